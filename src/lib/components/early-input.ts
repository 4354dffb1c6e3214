/**
 * What a user typed, chose or ticked before the page's JavaScript arrived, kept when the page
 * comes alive.
 *
 * On a slow link the server-rendered page is usable for seconds before hydration. When Svelte
 * hydrates, it writes each field's value from the component's state: a select is put back to
 * its state's option, a field with a one-way `value` (or a textarea's content) back to what the
 * server rendered, a box back to its `checked`. Only a text field with `bind:value` keeps what
 * was typed. So a role, a level, a reviewer's verdict or a comment entered in those seconds was
 * silently undone.
 *
 * A small inline script in `app.html` collects the fields that receive an `input` or `change`
 * event from the first moment (`window.__earlyInput`). `rememberEarlyInput` runs in the root
 * layout's script, before any field is hydrated: of those fields, it notes each one whose state
 * differs from what the server rendered. The function it returns, called once hydration is over,
 * puts those back and sends the events a user's edit sends (`input`, `change`), so bound state,
 * autosave and dependent parts of the page follow as if the user had just made the change.
 *
 * Only fields the user edited on this page count: a value the browser restored by itself on a
 * reload or a return to the page (its form restoration) is not an edit, and is not put back over
 * the server's newer figures.
 */
type Field = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
type Kept =
	| { field: HTMLInputElement; checked: boolean }
	| { field: HTMLInputElement | HTMLTextAreaElement; value: string }
	| { field: HTMLSelectElement; selected: HTMLOptionElement[] };

const NOT_TYPED = new Set(['file', 'hidden', 'submit', 'button', 'reset', 'image']);

/** The options the server rendered as selected (a single select without one shows its first enabled option). */
function renderedSelection(select: HTMLSelectElement): HTMLOptionElement[] {
	const options = Array.from(select.options);
	const marked = options.filter((o) => o.defaultSelected);
	if (select.multiple || marked.length > 0) return select.multiple ? marked : marked.slice(-1);
	const first = options.find((o) => !o.disabled);
	return first ? [first] : [];
}

const sameOptions = (a: HTMLOptionElement[], b: HTMLOptionElement[]) => a.length === b.length && a.every((o, i) => o === b[i]);

function changedByUser(field: Field): Kept | null {
	if (field instanceof HTMLSelectElement) {
		const selected = Array.from(field.selectedOptions);
		return sameOptions(selected, renderedSelection(field)) ? null : { field, selected };
	}
	if (field instanceof HTMLInputElement && (field.type === 'checkbox' || field.type === 'radio'))
		return field.checked === field.defaultChecked ? null : { field, checked: field.checked };
	if (field instanceof HTMLInputElement && NOT_TYPED.has(field.type)) return null;
	return field.value === field.defaultValue ? null : { field, value: field.value };
}

function restore(kept: Kept): void {
	const { field } = kept;
	if (!field.isConnected) return;
	if ('checked' in kept) {
		if (kept.field.checked === kept.checked) return;
		kept.field.checked = kept.checked;
	} else if ('value' in kept) {
		if (kept.field.value === kept.value) return;
		kept.field.value = kept.value;
	} else {
		const now = Array.from(kept.field.selectedOptions);
		if (sameOptions(now, kept.selected)) return;
		for (const option of Array.from(kept.field.options)) option.selected = kept.selected.includes(option);
	}
	field.dispatchEvent(new Event('input', { bubbles: true }));
	field.dispatchEvent(new Event('change', { bubbles: true }));
}

declare global {
	interface Window {
		/** Fields that received an `input` or `change` event before hydration (set in app.html). */
		__earlyInput?: Set<EventTarget> | null;
	}
}

/** The fields edited so far; collecting stops here (hydration is about to start). */
export function takeEarlyEdits(w: Window): Set<EventTarget> {
	const edited = w.__earlyInput ?? new Set<EventTarget>();
	w.__earlyInput = null;
	return edited;
}

/** Notes the `edited` fields the user changed before hydration; the returned function puts them back. */
export function rememberEarlyInput(edited: ReadonlySet<EventTarget>): () => void {
	const kept: Kept[] = [];
	for (const field of edited) {
		if (!(field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement || field instanceof HTMLSelectElement)) continue;
		const k = changedByUser(field);
		if (k) kept.push(k);
	}
	return () => kept.forEach(restore);
}
