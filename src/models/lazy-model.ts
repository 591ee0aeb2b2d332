import type { LanguageModel } from "./types.js";

/** A model whose backend loads on first use, so `createModel` stays synchronous and import-free. */
export function lazyModel(spec: string, load: () => Promise<LanguageModel>): LanguageModel {
  let loaded: Promise<LanguageModel> | undefined;
  const get = (): Promise<LanguageModel> => {
    loaded ??= load();
    loaded.catch(() => {
      loaded = undefined;
    });
    return loaded;
  };
  return {
    spec,
    chat: async (messages, options) => (await get()).chat(messages, options),
    stream: async function* (messages, options) {
      yield* (await get()).stream(messages, options);
    },
    info: async (options) => (await get()).info(options),
  };
}
