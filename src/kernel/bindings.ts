/** A binding named at run time (a module's declaration), e.g. `PRODUCT` or `STORES_DB`; undefined when the Worker has none. */
export const bindingNamed = <T>(env: object, name: string): T | undefined => (env as Record<string, T | undefined>)[name];
