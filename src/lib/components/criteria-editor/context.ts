/** What every field of the criteria-set editor reads: the live validation errors by path. */
import { getContext, setContext } from 'svelte';

export type EditorContext = { readonly errors: Map<string, string> };

const KEY = Symbol('criteria-editor');

export const setEditorContext = (ctx: EditorContext): void => {
	setContext(KEY, ctx);
};
export const editorContext = (): EditorContext => getContext<EditorContext>(KEY);
