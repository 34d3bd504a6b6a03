/**
 * The console's languages: one message catalog per language (en.ts, vi.ts, same keys). The language is chosen by
 * `?lang=` (remembered in the `lang` cookie), else the cookie, else the browser's Accept-Language; Vietnamese when
 * nothing says otherwise.
 */
import { en, type Messages } from './en';
import { vi } from './vi';

export type { Messages };
export const LANGUAGES = { vi, en } as const satisfies Record<string, Messages>;
export type Lang = keyof typeof LANGUAGES;
export const DEFAULT_LANG: Lang = 'vi';
/** Each language's name in itself, for the language switch. */
export const LANGUAGE_NAMES: Record<Lang, string> = { vi: 'Tiếng Việt', en: 'English' };

export const isLang = (v: unknown): v is Lang => typeof v === 'string' && Object.hasOwn(LANGUAGES, v);

/** The first supported language of an Accept-Language header, by its q weights. */
export function fromAcceptLanguage(header: string | undefined): Lang | undefined {
  const ranked = (header ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
      return { lang: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q[1]) : 1 };
    })
    .filter((x) => x.lang && x.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.map((r) => r.lang).find(isLang);
}

export function chooseLang(query: string | undefined, cookie: string | undefined, acceptLanguage: string | undefined): Lang {
  if (isLang(query)) return query;
  if (isLang(cookie)) return cookie;
  return fromAcceptLanguage(acceptLanguage) ?? DEFAULT_LANG;
}
