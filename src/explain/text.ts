import type { Reason } from './reasons.js';

export type Language = 'zh' | 'en';

const ACTIONS: Record<Language, Record<string, string>> = {
  zh: {
    purchase: '购买了',
    cart: '加购了',
    favorite: '收藏了',
    rating: '评价了',
    click: '点击了',
    view: '浏览过',
    search: '搜索过',
  },
  en: {
    purchase: 'bought',
    cart: 'added to your cart',
    favorite: 'saved',
    rating: 'rated',
    click: 'clicked',
    view: 'viewed',
    search: 'searched for',
  },
};

function titled(reason: Reason, language: Language): string {
  const titles = [reason.evidence, ...(reason.evidence.together ?? [])].map(
    (evidence) => evidence.title ?? evidence.itemId ?? '',
  );
  if (language === 'zh') return titles.map((title) => `「${title}」`).join('和');
  return titles.length === 1 ? titles[0]! : `${titles.slice(0, -1).join(', ')} and ${titles.at(-1)!}`;
}

/**
 * One short sentence for an item, rendered from its strongest reason (never written first and
 * justified after: the text follows the reasons).
 */
export function reasonText(reasons: readonly Reason[], language: Language): string {
  const top = reasons.find(
    (reason) => reason.weight > 0 && reason.kind !== 'other' && reason.kind !== 'baseline',
  );
  const zh = language === 'zh';
  if (!top) return zh ? '为你推荐' : 'Recommended for you';
  const category = top.evidence.category?.split(' > ').at(-1);
  switch (top.kind) {
    case 'because-you-interacted': {
      const action = ACTIONS[language][top.evidence.action ?? 'view'] ?? ACTIONS[language]['view']!;
      return zh
        ? `因为你${action}${titled(top, language)}`
        : `Because you ${action} ${titled(top, language)}`;
    }
    case 'bought-together':
      return zh ? `常与${titled(top, language)}一起购买` : `Often bought with ${titled(top, language)}`;
    case 'similar-content':
      return zh ? `与${titled(top, language)}相似` : `Similar to ${titled(top, language)}`;
    case 'similar-item':
      return zh
        ? `喜欢${titled(top, language)}的人也喜欢`
        : `People who like ${titled(top, language)} also like this`;
    case 'trending':
      return category
        ? zh
          ? `${category}热门`
          : `Popular in ${category}`
        : zh
          ? '热门商品'
          : 'Popular right now';
    case 'category-affinity':
      return category
        ? zh
          ? `来自你常逛的${category}`
          : `From ${category}, which you often browse`
        : zh
          ? '符合你的偏好'
          : 'Matches your taste';
    case 'pinned':
      return zh ? '精选推荐' : 'Featured';
    case 'diversity':
      return zh
        ? `换个口味：${category ?? '其他品类'}`
        : `Something different: ${category ?? 'another category'}`;
    case 'fairness-boost':
      return zh ? '为你发现的新好物' : 'A discovery from a smaller shop';
    case 'search-match':
      return zh ? '与你的搜索匹配' : 'Matches your search';
    default:
      return zh ? '为你推荐' : 'Recommended for you';
  }
}
