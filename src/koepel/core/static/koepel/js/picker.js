/* Pickers (core/pickers.py): choosing a person, organisation, body, dossier or document by
   typing its name. Without this script a picker is a text box and the server resolves the name
   when the form is sent. With it, the text box becomes GOV.UK's accessible-autocomplete, served
   by Koepel itself (vendor/accessible-autocomplete), which asks the picker's answer
   (data-picker-url?q=…) as the user types. In a picker of several records the chosen ones
   become items with a "verwijderen" button, and a chosen suggestion is added to them.
   No inline script or style: the Content Security Policy allows neither. */
(function () {
  "use strict";
  var pickers = document.querySelectorAll("[data-picker-url]");
  if (!pickers.length) return;

  function load(first, done) {
    if (window.accessibleAutocomplete) { done(); return; }
    var style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = first.getAttribute("data-picker-style");
    document.head.appendChild(style);
    var script = document.createElement("script");
    script.src = first.getAttribute("data-picker-script");
    script.onload = done;
    document.head.appendChild(script);
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function source(url, exclude) {
    var controller = null;
    var timer = null;
    return function (query, populate) {
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        if (controller) controller.abort();
        controller = window.AbortController ? new AbortController() : null;
        var address = url + "?q=" + encodeURIComponent(query);
        fetch(address, {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
          signal: controller ? controller.signal : undefined
        })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            var skip = exclude ? exclude() : {};
            populate(data.results.filter(function (r) { return !skip[String(r.id)]; }));
          })
          .catch(function () { /* a newer query took over, or the network failed */ });
      }, 150);
    };
  }

  function options(picker, texts, extra) {
    var base = {
      minLength: 2,
      showNoOptionsFound: true,
      confirmOnBlur: false,
      displayMenu: "overlay",
      templates: {
        inputValue: function (r) { return r ? r.name : ""; },
        suggestion: function (r) {
          if (!r) return "";
          if (typeof r === "string") return escapeHtml(r);
          var detail = r.detail ? '<span class="picker__detail"> — ' + escapeHtml(r.detail) + "</span>" : "";
          return escapeHtml(r.name) + detail;
        }
      },
      tNoResults: function () { return texts.noResults; },
      tStatusQueryTooShort: function (n) { return fill(texts.tooShort, { n: n }); },
      tStatusNoResults: function () { return texts.noResults; },
      tStatusSelectedOption: function (option, length, index) {
        return fill(texts.selected, { option: option, index: index + 1, length: length });
      },
      tStatusResults: function (length) {
        return length === 1 ? texts.oneResult : fill(texts.results, { n: length });
      },
      tAssistiveHint: function () { return texts.hint; }
    };
    for (var key in extra) base[key] = extra[key];
    return base;
  }

  function replaceInput(input) {
    var holder = document.createElement("div");
    holder.className = "picker__autocomplete";
    input.parentNode.insertBefore(holder, input);
    input.parentNode.removeChild(input);
    return holder;
  }

  function single(picker, texts) {
    var input = picker.querySelector("input.picker__input");
    var name = input.name;
    var key = picker.querySelector('input[type="hidden"][name="' + name + '-id"]');
    if (!key) {
      key = document.createElement("input");
      key.type = "hidden";
      key.name = name + "-id";
      picker.appendChild(key);
    }
    var holder = replaceInput(input);
    window.accessibleAutocomplete(options(picker, texts, {
      element: holder,
      id: input.id,
      name: name,
      defaultValue: input.value,
      source: source(picker.getAttribute("data-picker-url")),
      onConfirm: function (chosen) {
        if (chosen && chosen.id) {
          key.value = chosen.id;
          // The radio buttons of a name that meant several are answered now.
          var choices = picker.querySelector(".picker__choices");
          if (choices) choices.parentNode.removeChild(choices);
        }
      }
    }));
    keepDescription(holder, input);
  }

  function keepDescription(holder, input) {
    // The help text and errors the server tied to the text box stay tied to the new one.
    var described = input.getAttribute("aria-describedby");
    var box = holder.querySelector("input");
    if (described && box) {
      var own = box.getAttribute("aria-describedby");
      box.setAttribute("aria-describedby", own ? own + " " + described : described);
    }
  }

  function multiple(picker, texts) {
    var input = picker.querySelector("input.picker__input");
    var list = picker.querySelector(".picker__chosen");
    var fieldName = input.name.replace(/-nieuw$/, "");
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    picker.appendChild(status);
    var hint = picker.querySelector("#" + input.id + "_hint");
    if (hint) hint.hidden = true;

    function item(id, label) {
      var row = document.createElement("li");
      var value = document.createElement("input");
      value.type = "hidden";
      value.name = fieldName;
      value.value = id;
      var text = document.createElement("span");
      text.textContent = label;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link-button picker__remove";
      remove.textContent = texts.remove;
      var who = document.createElement("span");
      who.className = "visually-hidden";
      who.textContent = " " + label;
      remove.appendChild(who);
      remove.addEventListener("click", function () {
        row.parentNode.removeChild(row);
        status.textContent = fill(texts.removed, { name: label });
        var box = picker.querySelector(".picker__autocomplete input");
        if (box) box.focus();
      });
      row.appendChild(value);
      row.appendChild(text);
      row.appendChild(document.createTextNode(" "));
      row.appendChild(remove);
      return row;
    }

    Array.prototype.forEach.call(list.querySelectorAll("li"), function (row) {
      var box = row.querySelector('input[type="checkbox"]');
      var label = row.querySelector("label");
      if (!box || !label) return;
      list.replaceChild(item(box.value, label.textContent), row);
    });

    function chosenIds() {
      var ids = {};
      Array.prototype.forEach.call(list.querySelectorAll('input[name="' + fieldName + '"]'), function (v) {
        ids[v.value] = true;
      });
      return ids;
    }

    var holder = replaceInput(input);
    window.accessibleAutocomplete(options(picker, texts, {
      element: holder,
      id: input.id,
      name: input.name,
      defaultValue: input.value,
      source: source(picker.getAttribute("data-picker-url"), chosenIds),
      onConfirm: function (chosen) {
        if (!chosen || !chosen.id || chosenIds()[String(chosen.id)]) return;
        var label = chosen.detail ? chosen.name + " (" + chosen.detail + ")" : chosen.name;
        list.appendChild(item(chosen.id, label));
        status.textContent = fill(texts.added, { name: chosen.name });
        // Empty the box for the next name, once the library has written the chosen one in.
        window.setTimeout(function () {
          var box = holder.querySelector("input");
          if (box) box.value = "";
        }, 0);
      }
    }));
    keepDescription(holder, input);
  }

  load(pickers[0], function () {
    Array.prototype.forEach.call(pickers, function (picker) {
      var texts = JSON.parse(picker.getAttribute("data-picker-texts") || "{}");
      if (picker.hasAttribute("data-picker-multiple")) multiple(picker, texts);
      else single(picker, texts);
    });
  });
})();
