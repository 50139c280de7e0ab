// The network view of templates/_network.html: draws the neighbourhood with cytoscape
// (served by igfkg from node_modules) and ties it to the list of nodes, which stays the
// keyboard's way through it: focus an entry to select its node, Enter to open its page.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("network-data").textContent);
  var box = document.getElementById("network-canvas");
  var note = document.getElementById("network-nojs");
  var links = Array.prototype.slice.call(document.querySelectorAll("#network-list a[data-node]"));
  if (typeof window.cytoscape !== "function" || !box) {
    if (note) note.textContent = note.getAttribute("data-failed");
    return;
  }
  box.hidden = false;
  if (note) note.hidden = true;

  var short = function (text) { return text.length > 28 ? text.slice(0, 27) + "…" : text; };
  var elements = data.nodes.map(function (n) {
    return { data: { id: n.id, label: short(n.label), colour: n.colour, href: n.href, center: n.center ? 1 : 0 } };
  }).concat(data.edges.map(function (e, i) {
    return { data: { id: "e" + i, source: e.source, target: e.target, label: e.label } };
  }));
  var cy = window.cytoscape({
    container: box,
    elements: elements,
    layout: { name: "concentric", concentric: function (n) { return n.data("center") ? 2 : 1; },
              levelWidth: function () { return 1; }, minNodeSpacing: 12, animate: false },
    style: [
      { selector: "node", style: { "background-color": "data(colour)", "label": "data(label)", "font-size": 10,
        "color": "#1a1a1a", "text-valign": "bottom", "text-margin-y": 3, "width": 18, "height": 18,
        "text-background-color": "#ffffff", "text-background-opacity": 0.8 } },
      { selector: "node[center = 1]", style: { "width": 30, "height": 30, "font-weight": "bold", "font-size": 12 } },
      { selector: "edge", style: { "width": 1, "line-color": "#9a9a9a", "curve-style": "bezier",
        "target-arrow-shape": "triangle", "target-arrow-color": "#9a9a9a", "arrow-scale": 0.7 } },
      { selector: "node.selected", style: { "border-width": 4, "border-color": "#1a1a1a", "z-index": 10 } },
      { selector: "edge.selected", style: { "line-color": "#1a1a1a", "target-arrow-color": "#1a1a1a", "width": 2,
        "label": "data(label)", "font-size": 9, "text-background-color": "#ffffff", "text-background-opacity": 1 } }
    ]
  });

  function select(id) {
    cy.elements().removeClass("selected");
    var node = cy.getElementById(id);
    node.addClass("selected");
    // The centre touches every edge: labelling them all would hide the drawing.
    if (id !== data.center) node.connectedEdges().addClass("selected");
    links.forEach(function (a) { a.classList.toggle("selected", a.getAttribute("data-node") === id); });
  }

  cy.on("tap", "node", function (event) { window.location.href = event.target.data("href"); });
  cy.on("mouseover", "node", function (event) { box.style.cursor = "pointer"; select(event.target.id()); });
  cy.on("mouseout", "node", function () { box.style.cursor = ""; });

  links.forEach(function (a, i) {
    a.addEventListener("focus", function () { select(a.getAttribute("data-node")); });
    a.addEventListener("keydown", function (event) {
      var to = { ArrowDown: i + 1, ArrowRight: i + 1, ArrowUp: i - 1, ArrowLeft: i - 1, Home: 0, End: links.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      links[Math.max(0, Math.min(links.length - 1, to))].focus();
    });
  });
  select(data.center);
  window.igfkgNetwork = cy;  // for the browser tests
})();
