/** What the storefront remembers for this tab: the shopper and the cart (sessionStorage). */

const USER_STORAGE = 'aisle.shopper';
const CART_STORAGE = 'aisle.cart';

/** A cart line: the item and its title, for showing the cart without another request. */
export interface CartLine {
  itemId: string;
  title: string;
}

/** The shopper picked in the storefront, or null when browsing anonymously. */
export function shopper(): string | null {
  return sessionStorage.getItem(USER_STORAGE) || null;
}

export function setShopper(userId: string | null): void {
  if (userId) sessionStorage.setItem(USER_STORAGE, userId);
  else sessionStorage.removeItem(USER_STORAGE);
}

export function cart(): CartLine[] {
  try {
    const lines = JSON.parse(sessionStorage.getItem(CART_STORAGE) ?? '[]') as unknown;
    return Array.isArray(lines) ? (lines as CartLine[]) : [];
  } catch {
    return [];
  }
}

/** Adds an item (once) to the cart; the newest line comes first. */
export function addToCart(line: CartLine): void {
  const lines = cart().filter((existing) => existing.itemId !== line.itemId);
  sessionStorage.setItem(CART_STORAGE, JSON.stringify([line, ...lines]));
}

export function removeFromCart(itemId: string): void {
  sessionStorage.setItem(CART_STORAGE, JSON.stringify(cart().filter((line) => line.itemId !== itemId)));
}
