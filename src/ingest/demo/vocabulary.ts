/**
 * The words the demo shop is built from: a bilingual (zh/en) category tree with products, brands,
 * colours and materials. Plain data; `demo-catalogue.ts` combines it into items.
 */

export interface Bilingual {
  zh: string;
  en: string;
}

export interface DemoProductType extends Bilingual {
  /** Median price in CNY; prices spread log-normally around it. */
  price: number;
  /** Attribute kinds that apply (colour for clothes, capacity for cables …). */
  facets: readonly ('color' | 'material' | 'size' | 'capacity' | 'flavor' | 'power')[];
  /** Words that may follow the product (model numbers, features). */
  extras?: readonly Bilingual[];
  /** Who buys it more: shifts demo shoppers' interest, so fairness audits have something to find. */
  audience?: 'female' | 'male';
}

export interface DemoCategory extends Bilingual {
  brands: readonly Bilingual[];
  products: readonly DemoProductType[];
}

export const colors: readonly Bilingual[] = [
  { zh: '红色', en: 'Red' },
  { zh: '黑色', en: 'Black' },
  { zh: '白色', en: 'White' },
  { zh: '蓝色', en: 'Blue' },
  { zh: '灰色', en: 'Grey' },
  { zh: '粉色', en: 'Pink' },
  { zh: '绿色', en: 'Green' },
  { zh: '黄色', en: 'Yellow' },
  { zh: '紫色', en: 'Purple' },
  { zh: '卡其色', en: 'Khaki' },
];

export const materials: readonly Bilingual[] = [
  { zh: '纯棉', en: 'Cotton' },
  { zh: '涤纶', en: 'Polyester' },
  { zh: '真丝', en: 'Silk' },
  { zh: '亚麻', en: 'Linen' },
  { zh: '羊毛', en: 'Wool' },
  { zh: '牛仔布', en: 'Denim' },
];

export const sizes: readonly string[] = ['XS', 'S', 'M', 'L', 'XL', 'XXL'];
export const capacities: readonly Bilingual[] = [
  { zh: '1米', en: '1m' },
  { zh: '2米', en: '2m' },
  { zh: '64GB', en: '64GB' },
  { zh: '128GB', en: '128GB' },
  { zh: '256GB', en: '256GB' },
  { zh: '500毫升', en: '500ml' },
];
export const flavors: readonly Bilingual[] = [
  { zh: '原味', en: 'Original' },
  { zh: '抹茶味', en: 'Matcha' },
  { zh: '巧克力味', en: 'Chocolate' },
  { zh: '草莓味', en: 'Strawberry' },
  { zh: '香辣味', en: 'Spicy' },
];
export const powers: readonly Bilingual[] = [
  { zh: '20W', en: '20W' },
  { zh: '33W', en: '33W' },
  { zh: '65W', en: '65W' },
  { zh: '120W', en: '120W' },
];

export const audiences: Readonly<Record<'female' | 'male', Bilingual>> = {
  female: { zh: '女士', en: "Women's" },
  male: { zh: '男士', en: "Men's" },
};

export const modifiers: readonly Bilingual[] = [
  { zh: '2024新款', en: '2024 New' },
  { zh: '夏季', en: 'Summer' },
  { zh: '秋冬款', en: 'Autumn/Winter' },
  { zh: '包邮', en: 'Free Shipping' },
  { zh: '热卖', en: 'Best Seller' },
  { zh: '官方正品', en: 'Official' },
  { zh: '加厚', en: 'Thick' },
  { zh: '轻薄', en: 'Lightweight' },
];

export const demoCategories: readonly DemoCategory[] = [
  {
    zh: '服装',
    en: 'Clothing',
    brands: [
      { zh: '优衣库', en: 'Uniqlo' },
      { zh: '耐克', en: 'Nike' },
      { zh: '阿迪达斯', en: 'Adidas' },
      { zh: '李宁', en: 'Li-Ning' },
      { zh: '安踏', en: 'Anta' },
      { zh: '海澜之家', en: 'HLA' },
      { zh: '飒拉', en: 'ZARA' },
    ],
    products: [
      {
        zh: 'T恤',
        en: 'T-shirt',
        price: 79,
        facets: ['color', 'material', 'size'],
        extras: [
          { zh: '圆领', en: 'Crew-neck' },
          { zh: '短袖', en: 'Short-sleeve' },
        ],
      },
      { zh: '连衣裙', en: 'Dress', price: 259, facets: ['color', 'material', 'size'], audience: 'female' },
      {
        zh: '牛仔裤',
        en: 'Jeans',
        price: 199,
        facets: ['color', 'size'],
        extras: [
          { zh: '直筒', en: 'Straight-leg' },
          { zh: '修身', en: 'Slim-fit' },
        ],
      },
      { zh: '卫衣', en: 'Hoodie', price: 169, facets: ['color', 'material', 'size'] },
      {
        zh: '衬衫',
        en: 'Shirt',
        price: 149,
        facets: ['color', 'material', 'size'],
        extras: [{ zh: '长袖', en: 'Long-sleeve' }],
      },
      { zh: '羽绒服', en: 'Down Jacket', price: 599, facets: ['color', 'size'] },
    ],
  },
  {
    zh: '鞋靴',
    en: 'Shoes',
    brands: [
      { zh: '耐克', en: 'Nike' },
      { zh: '阿迪达斯', en: 'Adidas' },
      { zh: '李宁', en: 'Li-Ning' },
      { zh: '斯凯奇', en: 'Skechers' },
      { zh: '回力', en: 'Warrior' },
    ],
    products: [
      {
        zh: '运动鞋',
        en: 'Sneakers',
        price: 459,
        facets: ['color', 'size'],
        extras: [
          { zh: '跑步', en: 'Running' },
          { zh: '透气', en: 'Breathable' },
        ],
      },
      { zh: '帆布鞋', en: 'Canvas Shoes', price: 129, facets: ['color', 'size'] },
      { zh: '高跟鞋', en: 'High Heels', price: 329, facets: ['color', 'size'], audience: 'female' },
      { zh: '马丁靴', en: 'Boots', price: 399, facets: ['color', 'size'] },
    ],
  },
  {
    zh: '数码',
    en: 'Electronics',
    brands: [
      { zh: '苹果', en: 'Apple' },
      { zh: '华为', en: 'Huawei' },
      { zh: '小米', en: 'Xiaomi' },
      { zh: '三星', en: 'Samsung' },
      { zh: '索尼', en: 'Sony' },
      { zh: '安克', en: 'Anker' },
      { zh: '绿联', en: 'Ugreen' },
    ],
    products: [
      {
        zh: '手机',
        en: 'Smartphone',
        price: 3999,
        facets: ['color', 'capacity'],
        extras: [
          { zh: '5G', en: '5G' },
          { zh: 'iPhone15', en: 'iPhone15' },
          { zh: 'Mate60', en: 'Mate60' },
        ],
      },
      {
        zh: '蓝牙耳机',
        en: 'Bluetooth Earbuds',
        price: 599,
        facets: ['color'],
        extras: [{ zh: '降噪', en: 'Noise-cancelling' }],
        audience: 'male',
      },
      {
        zh: '充电器',
        en: 'Charger',
        price: 99,
        facets: ['power'],
        extras: [
          { zh: '快充', en: 'Fast' },
          { zh: 'Type-C', en: 'USB-C' },
        ],
      },
      {
        zh: '充电线',
        en: 'Charging Cable',
        price: 39,
        facets: ['capacity', 'color'],
        extras: [
          { zh: 'Type-C', en: 'USB-C' },
          { zh: '快充', en: 'Fast' },
        ],
      },
      { zh: '平板电脑', en: 'Tablet', price: 2999, facets: ['color', 'capacity'], audience: 'male' },
      { zh: '智能手表', en: 'Smartwatch', price: 1299, facets: ['color'], audience: 'male' },
      { zh: '充电宝', en: 'Power Bank', price: 149, facets: ['color', 'power'] },
    ],
  },
  {
    zh: '家居',
    en: 'Home',
    brands: [
      { zh: '宜家', en: 'IKEA' },
      { zh: '无印良品', en: 'MUJI' },
      { zh: '苏泊尔', en: 'Supor' },
      { zh: '美的', en: 'Midea' },
      { zh: '罗莱', en: 'Luolai' },
    ],
    products: [
      { zh: '四件套', en: 'Bedding Set', price: 299, facets: ['color', 'material'] },
      { zh: '枕头', en: 'Pillow', price: 89, facets: ['material'] },
      { zh: '不粘锅', en: 'Non-stick Pan', price: 199, facets: ['size'] },
      { zh: '电饭煲', en: 'Rice Cooker', price: 349, facets: ['capacity'] },
      { zh: '收纳盒', en: 'Storage Box', price: 49, facets: ['color', 'size'] },
      { zh: '保温杯', en: 'Thermos Cup', price: 129, facets: ['color', 'capacity'] },
    ],
  },
  {
    zh: '美妆',
    en: 'Beauty',
    brands: [
      { zh: '兰蔻', en: 'Lancome' },
      { zh: '雅诗兰黛', en: 'Estee Lauder' },
      { zh: '完美日记', en: 'Perfect Diary' },
      { zh: '欧莱雅', en: "L'Oreal" },
      { zh: '花西子', en: 'Florasis' },
    ],
    products: [
      { zh: '口红', en: 'Lipstick', price: 199, facets: ['color'], audience: 'female' },
      { zh: '面霜', en: 'Face Cream', price: 399, facets: ['capacity'], audience: 'female' },
      { zh: '洗面奶', en: 'Facial Cleanser', price: 89, facets: ['capacity'] },
      { zh: '眼影', en: 'Eyeshadow Palette', price: 159, facets: ['color'], audience: 'female' },
      { zh: '防晒霜', en: 'Sunscreen', price: 129, facets: ['capacity'] },
    ],
  },
  {
    zh: '食品',
    en: 'Food',
    brands: [
      { zh: '三只松鼠', en: 'Three Squirrels' },
      { zh: '良品铺子', en: 'Bestore' },
      { zh: '雀巢', en: 'Nestle' },
      { zh: '立顿', en: 'Lipton' },
      { zh: '百草味', en: 'Be&Cheery' },
    ],
    products: [
      { zh: '坚果礼盒', en: 'Nut Gift Box', price: 129, facets: ['flavor'] },
      { zh: '绿茶', en: 'Green Tea', price: 69, facets: ['flavor'] },
      { zh: '速溶咖啡', en: 'Instant Coffee', price: 59, facets: ['flavor'] },
      { zh: '牛肉干', en: 'Beef Jerky', price: 49, facets: ['flavor'] },
      { zh: '饼干', en: 'Biscuits', price: 29, facets: ['flavor'] },
    ],
  },
  {
    zh: '运动',
    en: 'Sports',
    brands: [
      { zh: '迪卡侬', en: 'Decathlon' },
      { zh: '耐克', en: 'Nike' },
      { zh: 'Keep', en: 'Keep' },
      { zh: '李宁', en: 'Li-Ning' },
    ],
    products: [
      { zh: '瑜伽垫', en: 'Yoga Mat', price: 99, facets: ['color'], audience: 'female' },
      { zh: '哑铃', en: 'Dumbbells', price: 159, facets: ['size'], audience: 'male' },
      { zh: '跑步短裤', en: 'Running Shorts', price: 119, facets: ['color', 'size'] },
      { zh: '篮球', en: 'Basketball', price: 189, facets: ['size'], audience: 'male' },
      { zh: '跳绳', en: 'Jump Rope', price: 39, facets: ['color'] },
    ],
  },
];

/** Chinese provinces and municipalities used as demo regions (protected attribute). */
export const regions: readonly string[] = [
  '北京',
  '上海',
  '广东',
  '浙江',
  '江苏',
  '四川',
  '湖北',
  '山东',
  '河南',
  '陕西',
  '福建',
  '湖南',
  '辽宁',
  '云南',
];
