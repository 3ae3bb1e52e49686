import type { ComponentChildren } from 'preact';

/**
 * A region that scrolls when its table is wider (or taller) than the page: it takes keyboard
 * focus so that it can be scrolled without a mouse (WCAG 2.1.1), and `label` names it.
 */
export function ScrollRegion({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take keyboard focus to be scrolled without a mouse (WCAG 2.1.1).
    <section class="scroll" tabIndex={0} aria-label={label}>
      {children}
    </section>
  );
}
