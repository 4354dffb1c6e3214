import type { Attachment } from 'svelte/attachments';

/**
 * Keeps what the user chose in a `<select bind:value>` before the page's
 * JavaScript arrived. On a slow link the server-rendered page is usable for
 * seconds before hydration; Svelte keeps a text input's typed value when it
 * hydrates, but puts a bound select back to its state's value, so a role, a
 * province or a level chosen in those seconds was silently undone.
 *
 * The attachment runs before the binding's first update: if the option the
 * user has selected is not the one the server rendered as selected, the
 * choice is handed to `choose` (which sets the bound state), and the binding
 * then keeps it. On a select created in the browser (no server-rendered
 * selection) it does nothing.
 */
export function keepChoice(choose: (value: string) => void): Attachment<HTMLSelectElement> {
	return (select) => {
		const rendered = Array.from(select.options).find((option) => option.defaultSelected);
		const chosen = select.selectedOptions[0];
		if (rendered && chosen && chosen !== rendered) choose(chosen.value);
	};
}
