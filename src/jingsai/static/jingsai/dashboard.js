/* The leadership dashboard: draws each chart (Apache ECharts, SVG renderer so that the
   charts print crisply) from the page's json_script data; a click on a bar or point
   opens the list behind it. Filters reload the page when changed. No inline scripts. */
(function () {
  "use strict";

  // Filters: reload as soon as a choice changes (the button stays for no-JS use).
  document.querySelectorAll(
    "form[data-autosubmit] select, form[data-autosubmit] input[type=checkbox]"
  ).forEach(function (select) {
    select.addEventListener("change", function () {
      var form = select.form;
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    });
  });

  var printButton = document.querySelector("[data-print]");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }

  var source = document.getElementById("dashboard-data");
  var root = document.getElementById("dashboard");
  if (!source || !root || !window.echarts) { return; }
  var payload = JSON.parse(source.textContent);
  var byKey = {};
  payload.sections.forEach(function (section) {
    section.charts.forEach(function (chart) { byKey[section.key + "/" + chart.key] = chart; });
  });

  var drillUrl = root.dataset.drillUrl;
  var query = root.dataset.query || "";
  var previousQuery = root.dataset.previousQuery || "";
  var narrow = window.matchMedia("(max-width: 600px)");
  var PRINT_WIDTH = 640; // px: the A4 text width at 96 dpi, margins included
  var instances = [];

  function number(value) {
    return typeof value === "number" ? value.toLocaleString() : String(value);
  }

  function withUnit(unit) {
    return function (value) { return number(value) + (unit ? " " + unit : ""); };
  }

  function barHeight(chart) {
    var perLabel = Math.max(1, chart.series.length) * 16 + 12;
    var legend = chart.series.length > 1 ? 28 : 0;
    return Math.max(140, chart.labels.length * perLabel + 40 + legend);
  }

  function height(chart) {
    if (chart.kind === "bar") { return barHeight(chart); }
    return narrow.matches ? 240 : 280;
  }

  function option(chart) {
    var several = chart.series.length > 1;
    var drillable = chart.drill.some(function (key) { return key; });
    var base = {
      animation: false,
      tooltip: { trigger: chart.kind === "pie" ? "item" : "axis", valueFormatter: withUnit(chart.unit) },
      legend: several || chart.kind === "pie" ? { top: 0, type: "scroll" } : undefined,
      textStyle: { fontSize: 12 }
    };
    if (chart.kind === "pie") {
      base.series = [{
        type: "pie",
        radius: narrow.matches ? ["30%", "60%"] : ["35%", "65%"],
        top: 24,
        cursor: drillable ? "pointer" : "default",
        data: chart.labels.map(function (label, i) {
          return { name: label, value: chart.series[0] ? chart.series[0].values[i] : 0 };
        })
      }];
      return base;
    }
    base.grid = { left: 8, right: 40, top: several ? 32 : 8, bottom: 8, containLabel: true };
    var category = {
      type: "category",
      data: chart.labels,
      axisLabel: { width: narrow.matches ? 88 : 170, overflow: "truncate", interval: 0 }
    };
    var value = { type: "value", minInterval: 1, axisLabel: { formatter: number } };
    if (chart.kind === "bar") {
      category.inverse = true; // first label on top
      base.xAxis = value;
      base.yAxis = category;
    } else {
      category.axisLabel = { hideOverlap: true };
      base.xAxis = category;
      base.yAxis = value;
    }
    base.series = chart.series.map(function (s, i) {
      return {
        name: s.name,
        type: chart.kind === "line" ? "line" : "bar",
        data: s.values,
        cursor: drillable ? "pointer" : "default",
        symbolSize: 8,
        barMaxWidth: 28,
        itemStyle: i > 0 ? { opacity: 0.55 } : undefined,
        label: chart.kind === "bar" ? { show: true, position: "right", formatter: function (p) { return number(p.value); } } : undefined
      };
    });
    return base;
  }

  function open(chart, params) {
    var key = chart.drill[params.dataIndex];
    if (!key) { return; }
    var filters = params.seriesIndex > 0 && previousQuery ? previousQuery : query;
    window.location.href = drillUrl + "?" + filters + "&key=" + encodeURIComponent(key);
  }

  document.querySelectorAll(".chart[data-chart]").forEach(function (element) {
    var chart = byKey[element.dataset.section + "/" + element.dataset.chart];
    if (!chart) { return; }
    element.style.height = height(chart) + "px";
    var instance = window.echarts.init(element, null, { renderer: "svg" });
    instance.setOption(option(chart));
    instance.on("click", function (params) {
      if (params.componentType === "series") { open(chart, params); }
    });
    instances.push({ instance: instance, chart: chart, element: element });
  });

  var pending = null;
  function redraw() {
    instances.forEach(function (item) {
      item.element.style.height = height(item.chart) + "px";
      item.instance.setOption(option(item.chart), true);
      item.instance.resize();
    });
  }
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(redraw, 150);
  });

  // Print: every table open, every chart drawn at the A4 text width.
  var printing = false;
  function beforePrint() {
    if (printing) { return; }
    printing = true;
    document.querySelectorAll("details.dashboard-table").forEach(function (d) {
      if (!d.open) { d.dataset.closed = "1"; d.open = true; }
    });
    instances.forEach(function (item) {
      item.instance.resize({ width: PRINT_WIDTH, height: height(item.chart) });
    });
  }
  function afterPrint() {
    if (!printing) { return; }
    printing = false;
    document.querySelectorAll("details.dashboard-table[data-closed]").forEach(function (d) {
      d.open = false;
      delete d.dataset.closed;
    });
    instances.forEach(function (item) { item.instance.resize(); });
  }
  window.addEventListener("beforeprint", beforePrint);
  window.addEventListener("afterprint", afterPrint);
  var printMedia = window.matchMedia("print");
  if (printMedia.addEventListener) {
    printMedia.addEventListener("change", function (event) {
      if (event.matches) { beforePrint(); } else { afterPrint(); }
    });
  }
})();
