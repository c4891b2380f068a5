// "Print this service card": the page prints fine without this; it only adds the button.
document.querySelectorAll("[data-print]").forEach((el) =>
  el.addEventListener("click", (event) => {
    event.preventDefault();
    window.print();
  }),
);
