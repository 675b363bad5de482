import type { Item } from '../../src/core/entities.js';

/** Builds an item with the defaults the store fills in. */
function item(id: string, title: string, fields: Partial<Item> = {}): Item {
  return { id, title, categoryPath: [], attributes: {}, tags: [], available: true, ...fields };
}

/**
 * A tiny bilingual catalogue with known answers: each query in the search tests has one obviously
 * right item (red cotton T-shirts, iPhone chargers, Nike shoes, dresses), plus near misses that
 * share a word, so ranking mistakes show.
 */
export const searchCatalogue: readonly Item[] = [
  item('tee-red', '优衣库 男士红色纯棉T恤 圆领短袖', {
    brand: '优衣库',
    categoryPath: ['服装', '男装', 'T恤'],
    price: 79,
    sellerId: 's1',
    attributes: { color: '红色', material: '纯棉' },
    createdAt: 1_700_000_000_000,
  }),
  item('tee-white', '优衣库 女士白色纯棉T恤', {
    brand: '优衣库',
    categoryPath: ['服装', '女装', 'T恤'],
    price: 59,
    sellerId: 's1',
    attributes: { color: '白色', material: '纯棉' },
    createdAt: 1_700_100_000_000,
  }),
  item('tee-black', '李宁 黑色运动T恤 速干', {
    brand: '李宁',
    categoryPath: ['服装', '男装', 'T恤'],
    price: 129,
    sellerId: 's2',
    attributes: { color: '黑色' },
    createdAt: 1_700_200_000_000,
  }),
  item('cable-apple', 'Apple 苹果 iPhone15 充电线 20W 快充', {
    brand: 'Apple',
    categoryPath: ['数码', '手机配件', '充电线'],
    price: 149,
    sellerId: 's3',
    createdAt: 1_700_300_000_000,
  }),
  item('cable-anker', 'Anker USB-C charging cable for iPhone, 1m', {
    brand: 'Anker',
    categoryPath: ['数码', '手机配件', '充电线'],
    price: 39,
    sellerId: 's3',
    available: false,
    createdAt: 1_700_400_000_000,
  }),
  item('charger-anker', 'Anker 20W iPhone charger, fast charging power adapter', {
    brand: 'Anker',
    categoryPath: ['数码', '手机配件', '充电器'],
    price: 99,
    sellerId: 's3',
    createdAt: 1_700_500_000_000,
  }),
  item('case-iphone', '苹果 iPhone15 手机壳 透明 防摔', {
    brand: 'Apple',
    categoryPath: ['数码', '手机配件', '手机壳'],
    price: 29,
    sellerId: 's4',
    createdAt: 1_700_600_000_000,
  }),
  item('shoe-nike', '耐克 男子跑步鞋 运动鞋 气垫', {
    brand: '耐克',
    categoryPath: ['鞋靴', '运动鞋'],
    price: 699,
    sellerId: 's5',
    createdAt: 1_700_700_000_000,
  }),
  item('shoe-nike-en', 'Nike Air Zoom running shoes for men', {
    brand: 'Nike',
    categoryPath: ['鞋靴', '运动鞋'],
    price: 799,
    sellerId: 's5',
    createdAt: 1_700_800_000_000,
  }),
  item('shoe-lining', '李宁 女子跑步鞋 轻便 透气', {
    brand: '李宁',
    categoryPath: ['鞋靴', '运动鞋'],
    price: 399,
    sellerId: 's2',
    createdAt: 1_700_900_000_000,
  }),
  item('dress-red', '红色连衣裙 夏季 雪纺 长裙', {
    brand: '伊芙丽',
    categoryPath: ['服装', '女装', '连衣裙'],
    price: 259,
    sellerId: 's6',
    attributes: { color: '红色' },
    createdAt: 1_701_000_000_000,
  }),
  item('dress-blue', '蓝色连衣裙 碎花 修身', {
    brand: '伊芙丽',
    categoryPath: ['服装', '女装', '连衣裙'],
    price: 199,
    sellerId: 's6',
    attributes: { color: '蓝色' },
    createdAt: 1_701_100_000_000,
  }),
  item('shirt-en', 'Red cotton t-shirt, crew neck', {
    brand: 'Gap',
    categoryPath: ['服装', '男装', 'T恤'],
    price: 120,
    sellerId: 's7',
    attributes: { color: 'red' },
    createdAt: 1_701_200_000_000,
  }),
  item('mug', 'Ceramic coffee mug 350ml', {
    categoryPath: ['家居', '杯子'],
    price: 35,
    sellerId: 's8',
    createdAt: 1_701_300_000_000,
  }),
  item('kettle', '美的 电热水壶 1.7L 不锈钢', {
    brand: '美的',
    categoryPath: ['家居', '厨房电器'],
    price: 89,
    sellerId: 's8',
    createdAt: 1_701_400_000_000,
  }),
  item('rice-cooker', '美的 电饭煲 4L 智能', {
    brand: '美的',
    categoryPath: ['家居', '厨房电器'],
    price: 299,
    sellerId: 's8',
    createdAt: 1_701_500_000_000,
  }),
];
