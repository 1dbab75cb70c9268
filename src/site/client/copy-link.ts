/**
 * Progressive enhancement of the permanent links (CopyLink.astro): the links work without this;
 * it only shows their "Copy link" buttons. A module file, not an inline script: the
 * Content-Security-Policy allows the site's own files only (src/site/content-security-policy.ts).
 */
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-copy-href]')) {
  if (!navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    await navigator.clipboard.writeText(new URL(button.dataset.copyHref!, location.href).href);
    button.textContent = 'Copied';
    setTimeout(() => (button.textContent = 'Copy link'), 1500);
  });
}
