// The Customize page's live preview: the lobby card follows the form before anything is saved.
// The page works without this file; it only mirrors the form into the preview.
"use strict";

(() => {
  const HEX = /^#[0-9a-f]{6}$/i;
  const WEB = /^https?:\/\/\S+$/i;

  // Black or white text on a button colour, as rooms.models.readable_text_on decides.
  function readableTextOn(hex) {
    const [r, g, b] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.179 ? "#111111" : "#ffffff";
  }

  function start() {
    const form = document.getElementById("customize-form");
    const stage = document.getElementById("lobby-preview");
    if (!form || !stage) return;
    const card = stage.querySelector("[data-lobby-card]");
    const part = (name) => card.querySelector(`[data-preview="${name}"]`);
    const input = (name) => form.elements.namedItem(name);
    const picker = document.getElementById("button-color-picker");
    const reset = document.getElementById("button-color-reset");
    const colorText = input("button_color");
    const count = document.getElementById("lobby-message-count");
    const objectUrls = new Map(); // File -> blob: URL, made once per chosen file.

    picker.hidden = false;
    reset.hidden = false;

    function chosenImage(name) {
      const file = form.querySelector(`[data-preview-image="${name}"]`);
      if (!file) return null;
      const picked = file.files && file.files[0];
      if (picked) {
        if (!objectUrls.has(picked)) objectUrls.set(picked, URL.createObjectURL(picked));
        return objectUrls.get(picked);
      }
      const remove = form.querySelector(`[data-remove-image="${name}"]`);
      if (remove && remove.checked) return null;
      return form.querySelector(`[data-thumb="${name}"]`)?.dataset.currentUrl || null;
    }

    function showImage(img, url) {
      if (!img) return;
      if (url) img.src = url;
      else img.removeAttribute("src");
      img.hidden = !url;
    }

    function renderColours() {
      const theme = form.querySelector('input[name="theme"]:checked');
      if (!theme) return;
      // The swatch carries its theme's variables (.theme-<key>, from rooms.models.THEMES).
      const style = getComputedStyle(theme);
      const colour = (name) => style.getPropertyValue(`--theme-${name}`).trim();
      const palette = {
        background: colour("background"),
        surface: colour("surface"),
        text: colour("text"),
        accent: colour("accent"),
        accentText: colour("accent-text"),
      };
      const custom = colorText.value.trim();
      const accent = HEX.test(custom) ? custom.toLowerCase() : palette.accent;
      const accentText = HEX.test(custom) ? readableTextOn(accent) : palette.accentText;
      stage.style.setProperty("--room-bg", palette.background);
      stage.style.setProperty("--surface", palette.surface);
      stage.style.setProperty("--text", palette.text);
      stage.style.setProperty("--accent", accent);
      stage.style.setProperty("--accent-hover", accent);
      stage.style.setProperty("--accent-text", accentText);
      picker.value = accent;
      colorText.placeholder = palette.accent;
    }

    function renderText() {
      const title = part("title");
      title.textContent = input("lobby_title").value.trim() || title.dataset.default;

      const message = part("message");
      const text = input("lobby_message").value.replace(/\r\n?/g, "\n").trim();
      message.replaceChildren();
      text.split("\n").forEach((line, index) => {
        if (index) message.append(document.createElement("br"));
        message.append(document.createTextNode(line));
      });
      message.hidden = !text;
      count.textContent = input("lobby_message").value.replace(/\r\n?/g, "\n").length;
    }

    function renderLayout() {
      const layout = form.querySelector('input[name="lobby_layout"]:checked');
      const custom = layout && layout.value === "custom";
      card.classList.toggle("lobby-custom", custom);
      card.classList.toggle("lobby-simple", !custom);
      part("extras").hidden = !custom;

      const list = part("links");
      list.replaceChildren();
      for (const row of form.querySelectorAll(".link-row")) {
        const label = row.querySelector('[data-link="label"]');
        const address = row.querySelector('[data-link="url"]').value.trim();
        if (!label.value.trim() || !WEB.test(address)) continue;
        const link = document.createElement("a");
        link.href = address;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        link.textContent = label.value.trim();
        const item = document.createElement("li");
        item.append(link);
        list.append(item);
      }
      list.hidden = !list.children.length;
    }

    function renderImages() {
      showImage(part("logo"), chosenImage("logo"));
      showImage(part("lobby_image"), chosenImage("lobby_image"));
      const background = chosenImage("background");
      stage.style.setProperty("--room-image", background ? `url("${background}")` : "none");
      for (const thumb of form.querySelectorAll("[data-thumb]")) {
        const url = chosenImage(thumb.dataset.thumb);
        let img = thumb.querySelector("img");
        if (url && !img) {
          img = document.createElement("img");
          img.alt = "";
          thumb.prepend(img);
        }
        showImage(img, url);
        thumb.querySelector(".image-thumb-empty").hidden = Boolean(url);
      }
    }

    function render() {
      renderColours();
      renderText();
      renderLayout();
      renderImages();
    }

    picker.addEventListener("input", () => {
      colorText.value = picker.value;
      render();
    });
    reset.addEventListener("click", () => {
      colorText.value = "";
      render();
      colorText.focus();
    });
    form.addEventListener("input", render);

    // Unsaved edits are not dropped without a word: a note says so, and leaving the page (Back
    // to rooms, another link, closing the tab) asks first. Saving is leaving on purpose.
    const note = form.querySelector("[data-unsaved]");
    let unsaved = false;
    const changed = () => {
      unsaved = true;
      if (note) note.hidden = false;
    };
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", () => {
      unsaved = false;
    });
    window.addEventListener("beforeunload", (event) => {
      if (!unsaved) return;
      event.preventDefault();
      event.returnValue = "";
    });
    form.addEventListener("change", render);
    render();
  }

  document.addEventListener("DOMContentLoaded", start);
})();
