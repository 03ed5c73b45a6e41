/* twincity: the little behaviour the pages need. No inline script anywhere (strict CSP). */
(function () {
  "use strict";

  function percentBars(root) {
    root.querySelectorAll("[data-percent]").forEach(function (el) {
      var v = Math.max(0, Math.min(100, parseFloat(el.dataset.percent) || 0));
      el.style.width = v + "%";
    });
  }

  var charts = [];
  function renderCharts(root) {
    if (typeof window.echarts === "undefined") return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source || el.dataset.rendered) return;
      var option = JSON.parse(source.textContent);
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option);
      if (option.tcLinks) {
        chart.on("click", function (params) {
          var href = option.tcLinks[params.name];
          if (href) window.location.href = href;
        });
      }
      el.dataset.rendered = "1";
      charts.push(chart);
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  function confirmations(root) {
    root.querySelectorAll("form[data-confirm]").forEach(function (form) {
      if (form.dataset.bound) return;
      form.dataset.bound = "1";
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
  }

  function bulkSelect(root) {
    root.querySelectorAll("[data-select-all]").forEach(function (box) {
      if (box.dataset.bound) return;
      box.dataset.bound = "1";
      box.addEventListener("change", function () {
        document.querySelectorAll("input[name='" + box.dataset.selectAll + "']").forEach(function (b) { b.checked = box.checked; });
        updateBulk();
      });
    });
    root.querySelectorAll("input[name='pk']").forEach(function (b) {
      if (b.dataset.bound) return;
      b.dataset.bound = "1";
      b.addEventListener("change", updateBulk);
    });
    updateBulk();
  }
  function updateBulk() {
    var n = document.querySelectorAll("input[name='pk']:checked").length;
    document.querySelectorAll("[data-bulk-count]").forEach(function (el) { el.textContent = n; });
    document.querySelectorAll("[data-bulk-action]").forEach(function (el) { el.disabled = n === 0; });
  }

  function autoSubmit(root) {
    root.querySelectorAll("form[data-auto-submit] select, form[data-auto-submit] input[type=date]").forEach(function (el) {
      if (el.dataset.bound) return;
      el.dataset.bound = "1";
      el.addEventListener("change", function () {
        if (window.htmx) window.htmx.trigger(el.form, "submit"); else el.form.submit();
      });
    });
  }

  // The button of a checkbox filter says what is chosen ("All" when nothing is).
  function checkSummaries(root) {
    root.querySelectorAll("[data-summary-of]").forEach(function (button) {
      var name = button.dataset.summaryOf;
      var update = function () {
        var chosen = [];
        document.querySelectorAll("input[type=checkbox][name='" + name + "']:checked").forEach(function (box) {
          var label = document.querySelector("label[for='" + box.id + "']");
          chosen.push(label ? label.textContent.trim() : box.value);
        });
        button.textContent = chosen.length ? chosen.join("、") : button.dataset.summaryEmpty;
      };
      if (!button.dataset.bound) {
        button.dataset.bound = "1";
        document.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (box) {
          box.addEventListener("change", update);
        });
      }
      update();
    });
  }

  function init(root) {
    checkSummaries(root);
    percentBars(root);
    renderCharts(root);
    confirmations(root);
    bulkSelect(root);
    autoSubmit(root);
  }

  function showTabFromHash() {
    if (!location.hash || !window.bootstrap) return;
    var button = document.querySelector("[data-bs-target='" + location.hash + "']");
    if (button) window.bootstrap.Tab.getOrCreateInstance(button).show();
  }

  // A filter form asks once for what it shows. Enter in the search box fires change and submit, and typing starts a
  // delayed request (keyup, 600 ms): asked again for the same filters, each repeat would push the address once more
  // and cancel a click on a result made in the meantime (Chromium drops a pending navigation on pushState). A
  // request for the filters asked for within the last second and a half is dropped.
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.classList || !form.classList.contains("tc-filter")) return;
    var query = new URLSearchParams(event.detail.formData).toString();
    var now = Date.now();
    if (form.dataset.lastQuery === query && now - Number(form.dataset.lastAt || 0) < 1500) {
      event.preventDefault();
      return;
    }
    form.dataset.lastQuery = query;
    form.dataset.lastAt = String(now);
  });

  document.addEventListener("DOMContentLoaded", function () { init(document); showTabFromHash(); });
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
})();

/* --- findit: searchable pickers (Tom Select) on select[data-picker]; export links follow the filters --- */
(function () {
  "use strict";

  // Units and people: a select one types into. Without this script (or Tom Select) it stays a plain select.
  // Tom Select positions its dropdown through element.style (CSSOM), which the CSP allows: no style attribute.
  function pickers(root) {
    if (!window.TomSelect) return;
    var scope = root && root.querySelectorAll ? root : document;
    var selects = Array.prototype.slice.call(scope.querySelectorAll("select[data-picker]"));
    if (scope.matches && scope.matches("select[data-picker]")) selects.push(scope);
    selects.forEach(function (select) {
      if (select.tomselect) return;
      var settings = {
        plugins: select.multiple ? ["remove_button"] : [],
        placeholder: select.dataset.placeholder || "",
        hidePlaceholder: true,
        maxOptions: null,
        allowEmptyOption: !select.multiple,
        closeAfterSelect: !select.multiple,
        create: false
      };
      if (select.dataset.optionsUrl) Object.assign(settings, lazyOptions(select));
      // Tom Select points the select's <label> at its own input; the select it keeps (hidden, but still read by
      // assistive technology) keeps its name through aria-label.
      var label = select.labels && select.labels.length ? select.labels[0].textContent.trim() : "";
      new window.TomSelect(select, settings);
      if (label && !select.hasAttribute("aria-label")) select.setAttribute("aria-label", label);
    });
  }

  // A list of thousands of units loads its options when opened (the same <option>s the plain select fetches
  // with htmx), once for the partnership and side chosen in the form; the picker then filters as one types.
  function lazyOptions(select) {
    var loadedFor = null;
    function key() {
      var form = select.form;
      var params = new URLSearchParams();
      ["partnership", "side"].forEach(function (name) {
        var field = form && form.elements.namedItem(name);
        if (field && field.value) params.set(name, field.value);
      });
      if (select.value) params.set("selected", select.value);
      return params.toString();
    }
    return {
      valueField: "value",
      labelField: "text",
      searchField: ["text"],
      preload: "focus",
      shouldLoad: function () { return key() !== loadedFor; },
      load: function (query, callback) {
        var wanted = key();
        fetch(select.dataset.optionsUrl + "?" + wanted, { credentials: "same-origin", headers: { "HX-Request": "true" } })
          .then(function (response) { return response.ok ? response.text() : ""; })
          .then(function (html) {
            var doc = new DOMParser().parseFromString("<select>" + html + "</select>", "text/html");
            var options = Array.prototype.map.call(doc.querySelectorAll("option"), function (o) {
              return { value: o.value, text: o.textContent.trim() };
            });
            loadedFor = wanted;
            callback(options);
          })
          .catch(function () { callback(); });
      }
    };
  }

  // An export link carries the filters on screen: after htmx changes them (and the address), so does the link.
  function exportLinks() {
    var query = new URLSearchParams(window.location.search);
    query.delete("page");
    document.querySelectorAll("a[data-list-export]").forEach(function (link) {
      var url = new URL(link.getAttribute("href"), window.location.href);
      url.search = query.toString();
      link.setAttribute("href", url.pathname + url.search);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { pickers(document); });
  document.addEventListener("htmx:afterSettle", function (event) { pickers(event.target); });
  document.addEventListener("htmx:pushedIntoHistory", exportLinks);
  window.addEventListener("popstate", exportLinks);
})();

/* --- meet: choosing the system's proposals for an agenda, all or by source --- */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches) return;
    var form = box.closest("form");
    if (!form) return;
    if (box.matches("[data-select-group]")) {
      form.querySelectorAll("input[name='key'][data-group='" + box.dataset.selectGroup + "']").forEach(function (b) { b.checked = box.checked; });
    }
    if (box.matches("[data-select-group], input[name='key'][data-group], [data-select-all='key']")) {
      form.querySelectorAll("[data-select-group]").forEach(function (g) {
        var items = form.querySelectorAll("input[name='key'][data-group='" + g.dataset.selectGroup + "']");
        var ticked = form.querySelectorAll("input[name='key'][data-group='" + g.dataset.selectGroup + "']:checked");
        g.checked = items.length > 0 && ticked.length === items.length;
        g.indeterminate = ticked.length > 0 && ticked.length < items.length;
      });
      var all = form.querySelector("[data-select-all='key']");
      if (all) {
        var n = form.querySelectorAll("input[name='key']").length;
        var m = form.querySelectorAll("input[name='key']:checked").length;
        all.checked = n > 0 && m === n;
        all.indeterminate = m > 0 && m < n;
      }
    }
  });
})();
