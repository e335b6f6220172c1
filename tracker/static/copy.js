// The copy buttons (data-copy: the id of the element whose text they copy). Without script the
// buttons stay hidden and the text stays on the page to select by hand.
"use strict";

function copied(button, label) {
  button.textContent = label;
  setTimeout(() => { button.textContent = button.dataset.label; }, 2000);
}

function selectText(element) {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

for (const button of document.querySelectorAll("button[data-copy]")) {
  const source = document.getElementById(button.dataset.copy);
  if (!source) continue;
  button.dataset.label = button.textContent;
  button.hidden = false;
  button.addEventListener("click", () => {
    const text = source.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(() => copied(button, "已复制"),
                                                () => { selectText(source); copied(button, "请手动复制"); });
    } else {  // plain http: the older command, or the text selected for the user to copy
      selectText(source);
      copied(button, document.execCommand("copy") ? "已复制" : "请手动复制");
    }
  });
}
