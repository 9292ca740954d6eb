/**
 * How text becomes search terms, for the index and for queries alike. Stop words and chat filler
 * are dropped on both sides: they would match everything, and a message such as "hi, thanks!"
 * must find nothing to recall.
 */
const SPLIT = /[\n\r\p{Z}\p{P}\p{S}]+/u;
const MAX_TERM = 64;

const STOP_WORDS = new Set(
  `a about above after again against all also am an and any are aren't as at be because been before being below between
  both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each else etc ever
  few for from further get gets got had hadn't has hasn't have haven't having he her here hers herself him himself his
  how however i if in into is isn't it it's its itself just let's like me might more most much must mustn't my myself
  no nor not now of off on once only or other ought our ours ourselves out over own quite rather really same shall
  she should shouldn't so some such than that that's the their theirs them themselves then there there's these they
  this those though through thus to too under until up upon us very was wasn't we were weren't what what's when
  where which while who whom whose why will with won't would wouldn't yes yet you your yours yourself yourselves
  hi hello hey hiya howdy yo thanks thank thx ty please pls ok okay alright sure cool great nice fine good bye
  goodbye cheers yeah yep yup nope hmm um uh oh ah lol anything something everything nothing tell know let want
  need make think say said see look go going gonna wanna use uses used using way thing things stuff lot bit kind today now`.split(/\s+/),
);

export function tokenize(text: string): string[] {
  return text.split(SPLIT);
}

/** A lower-cased term, or null for what carries no meaning on its own. */
export function processTerm(term: string): string | null {
  const lower = term.toLowerCase();
  if (lower.length < 2 && !/\d/.test(lower)) return null;
  if (lower.length > MAX_TERM || STOP_WORDS.has(lower)) return null;
  return lower;
}

/** The distinct meaningful terms of a text, in order of first appearance. */
export function meaningfulTerms(text: string): string[] {
  const seen = new Set<string>();
  for (const raw of tokenize(text)) {
    const term = processTerm(raw);
    if (term) seen.add(term);
  }
  return [...seen];
}
