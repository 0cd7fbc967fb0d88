/**
 * Message catalogs: every string mimi-kit adds to a rendering. English is the default; French and
 * German ship as examples of a second catalog. Receivers localize (the sender never chooses the
 * language of fallback text: the XMTP lesson, see docs/fallback.md).
 *
 * @module
 */
import type { Catalog, CatalogKey, RenderContext } from './types.js';

/**
 * English (default) catalog.
 * @example
 * ```ts
 * import { EN } from 'mimi-kit/fallback';
 * EN['attachment.label']; // 'Attachment:'
 * ```
 */
export const EN: Catalog = {
  'reply.wrote': '{name} wrote:',
  'reply.deleted': 'In reply to a deleted message',
  'reply.expired': 'In reply to an expired message',
  'reply.unknown': 'In reply to a message that is not available',
  'reply.loop': 'In reply to a message that is not available',
  'reply.editedSince': '(edited since)',
  'edit.prefix': 'Edited:',
  'edited.marker': '(edited)',
  'delete.tombstone': 'This message was deleted',
  'delete.bySender': '{name} deleted this message',
  'delete.request': '{name} deleted a message',
  'unlike.request': '{name} removed a reaction',
  'reaction.prefix': 'Reaction:',
  'reactions.prefix': 'Reactions:',
  'expires.absolute': 'Disappears at {time}',
  'expires.relative': 'Disappears {seconds} s after it is sent',
  'attachment.label': 'Attachment:',
  'attachment.encrypted': 'encrypted: open it in a MIMI client',
  'attachment.linkExpired': 'link expired',
  'session.label': 'Join:',
  'preview.label': 'Preview:',
  'placeholder.image': 'Image',
  'placeholder.audio': 'Audio',
  'placeholder.video': 'Video',
  'placeholder.content': 'Content',
  'placeholder.unsupported': 'Content this app cannot display',
  'placeholder.unitUnsupported': 'Message this app cannot display',
  'placeholder.icon': 'Icon',
  'placeholder.profile': 'Profile',
  'placeholder.empty': 'Empty message',
  'truncated.note': 'Message shortened: the first {shown} of {size} shown',
  'size.unknown': 'size unknown',
  units: 'B,kB,MB,GB,TB',
  'sender.unknown': 'Someone',
};

/**
 * French catalog.
 * @example
 * ```ts
 * import { render } from 'mimi-kit/fallback';
 * render(content, { locale: 'fr' }); // texts from FR, e.g. 'Pièce jointe :'
 * ```
 */
export const FR: Catalog = {
  'reply.wrote': '{name} a écrit :',
  'reply.deleted': 'En réponse à un message supprimé',
  'reply.expired': 'En réponse à un message expiré',
  'reply.unknown': 'En réponse à un message non disponible',
  'reply.loop': 'En réponse à un message non disponible',
  'reply.editedSince': '(modifié depuis)',
  'edit.prefix': 'Modifié :',
  'edited.marker': '(modifié)',
  'delete.tombstone': 'Ce message a été supprimé',
  'delete.bySender': '{name} a supprimé ce message',
  'delete.request': '{name} a supprimé un message',
  'unlike.request': '{name} a retiré une réaction',
  'reaction.prefix': 'Réaction :',
  'reactions.prefix': 'Réactions :',
  'expires.absolute': 'Disparaît le {time}',
  'expires.relative': 'Disparaît {seconds} s après l’envoi',
  'attachment.label': 'Pièce jointe :',
  'attachment.encrypted': 'chiffrée : ouvrez-la dans un client MIMI',
  'attachment.linkExpired': 'lien expiré',
  'session.label': 'Rejoindre :',
  'preview.label': 'Aperçu :',
  'placeholder.image': 'Image',
  'placeholder.audio': 'Audio',
  'placeholder.video': 'Vidéo',
  'placeholder.content': 'Contenu',
  'placeholder.unsupported': 'Contenu que cette application ne peut pas afficher',
  'placeholder.unitUnsupported': 'Message que cette application ne peut pas afficher',
  'placeholder.icon': 'Icône',
  'placeholder.profile': 'Profil',
  'placeholder.empty': 'Message vide',
  'truncated.note': 'Message raccourci : {shown} sur {size} affichés',
  'size.unknown': 'taille inconnue',
  units: 'o,ko,Mo,Go,To',
  'sender.unknown': 'Quelqu’un',
};

/**
 * German catalog (partial: missing keys fall back to English).
 * @example
 * ```ts
 * import { DE } from 'mimi-kit/fallback';
 * DE['attachment.label']; // 'Anhang:' (keys DE lacks come from EN)
 * ```
 */
export const DE: Partial<Catalog> = {
  'reply.wrote': '{name} schrieb:',
  'reply.deleted': 'Antwort auf eine gelöschte Nachricht',
  'reply.unknown': 'Antwort auf eine nicht verfügbare Nachricht',
  'edit.prefix': 'Bearbeitet:',
  'edited.marker': '(bearbeitet)',
  'delete.tombstone': 'Diese Nachricht wurde gelöscht',
  'reaction.prefix': 'Reaktion:',
  'attachment.label': 'Anhang:',
};

/**
 * The built-in catalogs by language.
 * @example
 * ```ts
 * import { CATALOGS, render } from 'mimi-kit/fallback';
 * Object.keys(CATALOGS); // ['en', 'fr', 'de']
 * render(content, { locale: 'nl', catalogs: { nl: { 'attachment.label': 'Bijlage:' } } });
 * ```
 */
export const CATALOGS: Readonly<Record<string, Partial<Catalog>>> = { en: EN, fr: FR, de: DE };

/** A resolved translator for one render call. */
export type Translate = (key: CatalogKey, params?: Readonly<Record<string, string>>) => string;

/**
 * Builds the translator for a context: exact locale, then its language, then English. Caller
 * catalogs override built-in ones key by key.
 *
 * @param context - the render context (`locale`, `catalogs`)
 * @returns a function from catalog key (and parameters) to text
 * @example
 * ```ts
 * translator({ locale: 'fr-CA' })('reaction.prefix'); // 'Réaction :'
 * ```
 */
export function translator(context: Pick<RenderContext, 'locale' | 'catalogs'>): Translate {
  if (context.catalogs !== undefined) return build(context);
  const key = context.locale ?? 'en';
  let t = CACHE.get(key);
  if (!t) {
    if (CACHE.size >= 64) CACHE.clear();
    CACHE.set(key, (t = build(context)));
  }
  return t;
}

const CACHE = new Map<string, Translate>();

function build(context: Pick<RenderContext, 'locale' | 'catalogs'>): Translate {
  const locale = (context.locale ?? 'en').toLowerCase();
  const lang = locale.split('-')[0] ?? 'en';
  const extra = context.catalogs ?? {};
  const chain: Partial<Catalog>[] = [];
  for (const tag of [locale, lang]) {
    const custom = findCatalog(extra, tag);
    if (custom) chain.push(custom);
    const builtin = CATALOGS[tag];
    if (builtin) chain.push(builtin);
  }
  const customEn = findCatalog(extra, 'en');
  if (customEn) chain.push(customEn);
  chain.push(EN);
  return (key, params) => {
    let s: string = EN[key];
    for (const c of chain) {
      const v = c[key];
      if (v !== undefined) {
        s = v;
        break;
      }
    }
    return params ? fill(s, params) : s;
  };
}

/**
 * `s.replace(/\{(\w+)\}/g, (m, p) => params[p] ?? m)` without a regular expression and a callback
 * per call (the translator runs for every reply quote).
 */
function fill(s: string, params: Readonly<Record<string, string>>): string {
  let open = s.indexOf('{');
  if (open < 0) return s;
  let out = '';
  let from = 0;
  while (open >= 0) {
    let j = open + 1;
    while (j < s.length && isWordChar(s.charCodeAt(j))) j++;
    if (j > open + 1 && s.charCodeAt(j) === 0x7d /* } */) {
      const v: unknown = params[s.slice(open + 1, j)];
      out += s.slice(from, open) + (v ?? s.slice(open, j + 1));
      from = j + 1;
      open = s.indexOf('{', from);
    } else open = s.indexOf('{', open + 1);
  }
  return out + s.slice(from);
}

/** `\w`: ASCII letters, digits and `_`. */
function isWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

function findCatalog(catalogs: Readonly<Record<string, Partial<Catalog>>>, tag: string): Partial<Catalog> | undefined {
  for (const [k, v] of Object.entries(catalogs)) if (k.toLowerCase() === tag) return v;
  return undefined;
}
