// "Print this service card" is a link to the printable card (?print=1), which works without
// JavaScript: the visitor prints it with the browser's own command. With JavaScript, the link
// prints the page at once (print.css lays it out), and the printable card opens the print
// dialogue by itself.
document.querySelectorAll("[data-print]").forEach((el) =>
  el.addEventListener("click", (event) => {
    event.preventDefault();
    window.print();
  }),
);
if (document.querySelector("[data-autoprint]")) {
  window.addEventListener("load", () => window.print());
}
