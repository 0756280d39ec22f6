// The little JavaScript the pages need, in a file: the Content-Security-Policy refuses inline
// scripts and handlers (onchange=…). Loaded with `defer` by layout/base.html.
//
// <select data-soumettre-au-changement>: the form is sent as soon as a choice is made (the
// project switcher in the header; a <noscript> button does it without JavaScript).
document.addEventListener("change", function (evenement) {
  var champ = evenement.target;
  if (champ instanceof HTMLSelectElement && champ.hasAttribute("data-soumettre-au-changement") && champ.form) {
    champ.form.submit();
  }
});

// The error summary at the top of a form (components/resume_erreurs.html): focused when the page
// loads, or when htmx swaps a form with errors in, so that a screen reader reads it first; a link
// of it focuses its field (following "#id_…" alone scrolls without moving the focus).
function focaliserResumeErreurs(racine) {
  var resume = racine.querySelector("[data-resume-erreurs]");
  if (resume) {
    resume.focus();
  }
}
focaliserResumeErreurs(document);
document.body.addEventListener("htmx:afterSwap", function (evenement) {
  focaliserResumeErreurs(evenement.target);
});
document.addEventListener("click", function (evenement) {
  var lien = evenement.target instanceof Element ? evenement.target.closest("[data-resume-erreurs] a[href^='#']") : null;
  var champ = lien ? document.getElementById(lien.getAttribute("href").slice(1)) : null;
  if (champ) {
    evenement.preventDefault();
    champ.focus();
    champ.scrollIntoView({ block: "center" });
  }
});
