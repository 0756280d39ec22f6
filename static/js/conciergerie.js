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
