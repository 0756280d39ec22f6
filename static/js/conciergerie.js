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

// [data-choix-apprenants]: the récit form's learner picker (recits/forms.py ChoixApprenantsWidget).
// Without this script the multiple <select> is sent as it is. With it, the select is disabled and
// hidden; each chosen learner is a chip holding a hidden input of the field's name; the search
// field (htmx) shows buttons [data-choisir] that add a chip; [data-retirer] removes one.
function ajouterPuce(bloc, valeur, libelle) {
  var puces = bloc.querySelector("[data-puces]");
  var deja = Array.prototype.some.call(puces.querySelectorAll("input[type=hidden]"), function (e) { return e.value === valeur; });
  if (deja) {
    return;
  }
  var puce = document.createElement("li");
  var entree = document.createElement("input");
  entree.type = "hidden";
  entree.name = bloc.getAttribute("data-nom");
  entree.value = valeur;
  var texte = document.createElement("span");
  texte.textContent = libelle + " ";
  var retirer = document.createElement("button");
  retirer.type = "button";
  retirer.className = "lien";
  retirer.setAttribute("data-retirer", "");
  retirer.textContent = "Retirer";
  retirer.setAttribute("aria-label", "Retirer " + libelle);
  puce.append(entree, texte, retirer);
  puces.append(puce);
}

function preparerChoix(bloc) {
  var select = bloc.querySelector("select");
  if (!select || select.disabled) {
    return;
  }
  Array.prototype.forEach.call(select.selectedOptions, function (option) { ajouterPuce(bloc, option.value, option.text); });
  select.disabled = true;  // not sent: the chips' hidden inputs are
  select.hidden = true;
  bloc.querySelector("[data-choix-js]").hidden = false;
}

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-choix-apprenants]").forEach(preparerChoix);
});

document.addEventListener("click", function (evenement) {
  var cible = evenement.target;
  if (!(cible instanceof Element)) {
    return;
  }
  var choisir = cible.closest("[data-choisir]");
  var bloc = cible.closest("[data-choix-apprenants]");
  if (choisir && bloc) {
    ajouterPuce(bloc, choisir.getAttribute("data-choisir"), choisir.getAttribute("data-libelle"));
    choisir.closest("li").remove();
    bloc.querySelector("input[type=search]").focus();
    return;
  }
  var retirer = cible.closest("[data-retirer]");
  if (retirer && bloc) {
    retirer.closest("li").remove();
    bloc.querySelector("input[type=search]").focus();
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

// The header's menu (layout/base.html): below 64em the navigation and the account's links fold
// behind the « Menu » button, which unfolds them (aria-expanded says which). Without JavaScript
// the button stays hidden and the links are shown.
var PETIT_ECRAN = window.matchMedia("(max-width: 64em)");

function preparerMenu() {
  var bouton = document.querySelector(".bouton-menu");
  var menu = bouton && document.getElementById(bouton.getAttribute("aria-controls"));
  if (!menu || bouton.dataset.pret) {
    return;
  }
  bouton.dataset.pret = "1";
  function replier(replie) {
    bouton.setAttribute("aria-expanded", replie ? "false" : "true");
    menu.classList.toggle("replie", replie);
  }
  bouton.hidden = false;
  replier(PETIT_ECRAN.matches);
  bouton.addEventListener("click", function () {
    replier(bouton.getAttribute("aria-expanded") === "true");
  });
  PETIT_ECRAN.addEventListener("change", function () {
    replier(PETIT_ECRAN.matches);
  });
  document.addEventListener("keydown", function (evenement) {
    if (evenement.key === "Escape" && PETIT_ECRAN.matches && bouton.getAttribute("aria-expanded") === "true") {
      replier(true);
      bouton.focus();
    }
  });
}

// A list's filters (components/filtres_champs.html) are in a <details>: open on a wide screen,
// folded on a phone unless a filter is in use (the template opens it then).
function ouvrirFiltres(racine) {
  if (window.matchMedia("(min-width: 45em)").matches) {
    racine.querySelectorAll("details.panneau-filtres").forEach(function (panneau) {
      panneau.open = true;
    });
  }
}

// Tables (.tableau) become a list of cards on a phone (static/css/app.css): each cell is labelled
// with its column's header (data-label, shown before the value). Explicit ARIA roles keep the
// table's semantics for screen readers once the cells are no longer displayed as a table.
function etiqueterTableaux(racine) {
  var tableaux = Array.prototype.slice.call(racine.querySelectorAll("table.tableau:not([data-cartes])"));
  if (racine.matches && racine.matches("table.tableau:not([data-cartes])")) {
    tableaux.push(racine);
  }
  tableaux.forEach(function (tableau) {
    var entetes = [];
    var ligneEntete = tableau.tHead && tableau.tHead.rows[tableau.tHead.rows.length - 1];
    if (ligneEntete) {
      Array.prototype.forEach.call(ligneEntete.cells, function (cellule) {
        for (var i = 0; i < (cellule.colSpan || 1); i++) {
          entetes.push(cellule.textContent.replace(/[▲▼]/g, "").trim());
        }
      });
    }
    tableau.setAttribute("role", "table");
    Array.prototype.forEach.call(tableau.querySelectorAll("thead, tbody, tfoot"), function (groupe) {
      groupe.setAttribute("role", "rowgroup");
    });
    Array.prototype.forEach.call(tableau.rows, function (ligne) {
      ligne.setAttribute("role", "row");
      var colonne = 0;
      Array.prototype.forEach.call(ligne.cells, function (cellule) {
        if (cellule.tagName === "TH") {
          var enTete = ligne.parentNode.tagName === "THEAD" || cellule.getAttribute("scope") === "col";
          cellule.setAttribute("role", enTete ? "columnheader" : "rowheader");
        } else {
          cellule.setAttribute("role", "cell");
          if (entetes[colonne] && !cellule.hasAttribute("data-label")) {
            cellule.setAttribute("data-label", entetes[colonne]);
          }
        }
        colonne += cellule.colSpan || 1;
      });
    });
    tableau.setAttribute("data-cartes", "");
  });
}

function preparer(racine) {
  etiqueterTableaux(racine);
  ouvrirFiltres(racine);
}

document.addEventListener("DOMContentLoaded", function () {
  preparerMenu();
  preparer(document);
});
// what htmx swaps in (a filtered list's results)
document.addEventListener("htmx:load", function (evenement) {
  preparer(evenement.target);
});
