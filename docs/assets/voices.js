// On every page: press "/" to jump to the search box in the header (Material's own shortcut
// belongs to its search plugin, which this archive replaces with Pagefind).
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
  const box = document.getElementById("voices-q");
  if (box) {
    event.preventDefault();
    box.focus();
  }
});
