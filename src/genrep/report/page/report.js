// Draws a genrep report from the JSON in #report-data (src/genrep/report/RunReport.h says what
// each kind of section holds; docs/report.md what the page shows). Plain ES2017 and Chart.js 3,
// both inline in the page: nothing is fetched. A figure whose data are missing or malformed
// shows a message in its place; every figure says the command that made its data.
(function () {
  'use strict';
  const root = document.getElementById('report');
  const palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
  const probes = [['linear_top1', 'linear top-1'], ['knn_top1', 'kNN top-1'], ['few_shot', 'few-shot top-1']];

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }
  function message(parent, text) {
    const box = el('div', {class: 'message', role: 'alert'}, text);
    parent.appendChild(box);
    return box;
  }
  function percent(v, digits = 2) { return typeof v === 'number' ? (100 * v).toFixed(digits) : ''; }
  function meanSpread(cell, withSpread) {
    if (!cell || typeof cell.mean !== 'number') return '';
    return withSpread && cell.spread > 0 ? `${percent(cell.mean)} ± ${percent(cell.spread)}` : percent(cell.mean);
  }
  function colour(i, alpha) {
    const hex = palette[i % palette.length];
    if (alpha === undefined) return hex;
    const n = parseInt(hex.slice(1), 16);
    return `rgba(${n >> 16 & 255},${n >> 8 & 255},${n & 255},${alpha})`;
  }
  function table(headers, rows) {
    const head = el('tr', {}, ...headers.map(h => el('th', {}, h)));
    return el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows.map(r => el('tr', {}, ...r.map(c => el('td', {}, String(c)))))));
  }
  function command(text) { return el('p', {class: 'command'}, 'data made by: ', el('code', {}, text)); }
  function details(summary, text) { return el('details', {}, el('summary', {}, summary), el('pre', {}, text)); }

  // A figure: title, canvas, caption with what it shows and the command of its data. Its number
  // of drawn data marks goes into data-marks (what the browser test reads).
  function chartFigure(parent, spec, config) {
    const canvas = el('canvas', {'aria-label': spec.title, role: 'img'});
    const fig = el('figure', {class: spec.tall ? 'figure tall' : 'figure', 'data-figure': spec.id},
                   el('h4', {}, spec.title), el('div', {class: spec.tall ? 'chart tall' : 'chart'}, canvas),
                   el('figcaption', {}, spec.caption || '', command(spec.command)));
    parent.appendChild(fig);
    if (typeof Chart === 'undefined') {
      message(fig, 'Chart.js did not load: this figure cannot be drawn.');
      return fig;
    }
    try {
      const chart = new Chart(canvas, config);
      let marks = 0;
      chart.data.datasets.forEach((d, i) => { marks += (chart.getDatasetMeta(i).data || []).length; });
      fig.setAttribute('data-marks', String(marks));
      if (marks === 0) message(fig, 'No data to draw yet.');
    } catch (error) {
      message(fig, `This figure could not be drawn: ${error.message}`);
      console.error(error);
    }
    return fig;
  }
  function imageFigure(parent, spec, src, header) {
    const img = el('img', {src: src, alt: spec.title});
    // The header (column labels) sits in one box with the image, as wide as the image.
    const panel = el('div', {class: 'panel'}, header || null, img);
    const fig = el('figure', {class: 'figure wide', 'data-figure': spec.id}, el('h4', {}, spec.title), panel,
                   el('figcaption', {}, spec.caption || '', command(spec.command)));
    img.addEventListener('load', () => fig.setAttribute('data-marks', img.naturalWidth > 0 ? '1' : '0'));
    img.addEventListener('error', () => message(fig, 'The image does not decode.'));
    parent.appendChild(fig);
    return fig;
  }
  function options(xTitle, yTitle, extra) {
    const o = {
      animation: false, responsive: true, maintainAspectRatio: false, parsing: true,
      interaction: {mode: 'nearest', intersect: false},
      plugins: {legend: {labels: {filter: item => !item.text.startsWith('_')}}},
      // Steps and settings are numbers: a linear x unless a chart says otherwise (bars: categories).
      scales: {x: {type: 'linear', title: {display: true, text: xTitle}}, y: {title: {display: true, text: yTitle}}},
    };
    return Object.assign(o, extra || {});
  }
  function line(label, points, i, more) {
    return Object.assign({label: label, data: points, borderColor: colour(i), backgroundColor: colour(i), pointRadius: 3, tension: 0}, more || {});
  }
  // A band between mean - spread and mean + spread (two datasets, filled between, not in the legend).
  function band(points, i) {
    const upper = points.map(p => ({x: p.x, y: p.y + p.spread}));
    const lower = points.map(p => ({x: p.x, y: p.y - p.spread}));
    const style = {borderWidth: 0, pointRadius: 0, backgroundColor: colour(i, 0.15)};
    return [Object.assign({label: '_upper', data: upper, fill: '+1'}, style), Object.assign({label: '_lower', data: lower, fill: false}, style)];
  }
  function steps(records, key) {
    return records.filter(r => !r.event && typeof r[key] === 'number' && typeof r.step === 'number').map(r => ({x: r.step, y: r[key]}));
  }
  function section(title, sec) {
    const node = el('section', {class: 'section', 'data-kind': sec.kind}, el('h2', {}, title), el('p', {class: 'folder'}, sec.folder));
    root.appendChild(node);
    return node;
  }

  // A study's x axis: numbers (log for counts, where 0 = a stream is drawn past the largest
  // count) or categories; `xOf` places an axis value ("4|learn.batch=128": its first part).
  function studyAxis(r) {
    const head = v => String(v).split('|')[0];
    const numbers = r.values.map(v => Number(head(v)));
    const numeric = r.values.every(v => !String(v).includes('|')) && numbers.every(n => Number.isFinite(n));
    const positive = numbers.filter(n => n > 0);
    const logX = numeric && r.log_axis && positive.length > 0;
    const stream = logX ? Math.max(...positive) * 3 : null;
    const xOf = v => !numeric ? String(v) : (logX && Number(head(v)) === 0 ? stream : Number(head(v)));
    const xs = r.values.map(xOf).filter(x => numeric ? Number.isFinite(x) : true);
    const xScale = numeric
        ? {type: logX ? 'logarithmic' : 'linear', title: {display: true, text: r.axis + (logX ? ' (log scale)' : '')},
           ticks: {callback: value => (stream !== null && Math.abs(value - stream) < 1e-9 ? 'stream' : value)}}
        : {type: 'category', labels: r.values.map(String), title: {display: true, text: r.axis}};
    if (stream !== null) xScale.afterBuildTicks = axis => { axis.ticks = xs.map(x => ({value: x})); };
    return {numeric, xOf, xs, xScale, values: r.values};
  }

  // One line of a study (studyLines) as points on `axis` (studyAxis), in axis order: the mean and
  // spread in percent. Its label is its rows' (empty points: nothing done yet).
  function linePoints(r, [id, value2], probe, axis) {
    const rows = r.rows.filter(row => row.method === id && row.value !== '' && (row.value2 || '') === value2);
    const points = rows.map(row => ({x: axis.xOf(row.value), y: 100 * row[probe].mean, spread: 100 * row[probe].spread}))
                       .sort((a, b) => (axis.numeric ? a.x - b.x : axis.values.indexOf(a.x) - axis.values.indexOf(b.x)));
    return {label: rows.length ? rows[0].label : id, points: points};
  }

  // A reference method's mean as a level line across `axis`; null when it has no row yet.
  function referenceLine(r, id, probe, axis) {
    const row = r.rows.find(x => x.method === id && x.value === '');
    if (!row || axis.xs.length === 0) return null;
    const ends = axis.numeric ? [Math.min(...axis.xs), Math.max(...axis.xs)]
                              : [String(axis.values[0]), String(axis.values[axis.values.length - 1])];
    return {label: row.label, points: ends.map(x => ({x: x, y: 100 * row[probe].mean}))};
  }

  // A study's lines: [method, value of the second axis ('' without one)], method by method.
  function studyLines(r) {
    const series = r.values2 && r.values2.length ? r.values2.map(String) : [''];
    return [].concat(...r.methods.map(id => series.map(value2 => [id, value2])));
  }

  // ---- experiment: accuracy against the axis, one line per method, a band over seeds ----
  // The declared comparisons (results.json "comparisons"): per probe the paired mean difference
  // in points, its 95 % interval and the verdict genrep computed.
  function comparisonTable(node, comparisons) {
    if (!comparisons || comparisons.length === 0) return;
    const cell = d => {
      if (!d) return 'not run yet';
      const sign = v => (v >= 0 ? '+' : '') + v.toFixed(2);
      return d.seeds.length < 2 ? `${sign(d.mean)} (${d.verdict})` : `${sign(d.mean)} [${sign(d.low)}, ${sign(d.high)}] ${d.verdict}`;
    };
    const rows = comparisons.map(c => [c.name, (c.probes.linear ? c.probes.linear.seeds.length : 0) +
                                       (c.mixed_pairs ? ` (${c.mixed_pairs} across machines)` : ''),
                                       cell(c.probes.linear), cell(c.probes.knn), cell(c.probes.few_shot)]);
    node.appendChild(el('h4', {}, 'Comparisons declared before the run: A - B in points, paired over seeds, mean [95 % t interval] and verdict'));
    node.appendChild(table(['comparison', 'seeds', 'linear', 'kNN', 'few-shot'], rows));
  }

  function provenanceLine(r) {
    const p = r.provenance;
    if (!p || !p.machines) return `CPU ${r.cpu && r.cpu.model ? r.cpu.model : 'unknown'}`;
    const mixed = p.machines.length > 1 || p.libtorch.length > 1 ? 'mixed provenance: ' : '';
    return `${mixed}ran on ${p.machines.join('; ')}, LibTorch ${p.libtorch.join(', ')}`;
  }

  // Linear top-1 against what each point cost in CPU seconds (training with its generation, and
  // the probes), one line per method: a user pays in compute, not in steps. Each point of a line
  // is one axis value: the means over its seeds. Nothing when no point recorded its cost.
  function costChart(grid, r, sec, lines) {
    const costed = (r.points || []).filter(p => typeof p.cpu_seconds === 'number' && p.linear && p.value !== '');
    if (costed.length === 0) return;
    const mean = xs => xs.reduce((a, b) => a + b, 0) / xs.length;
    const datasets = [];
    lines.forEach(([id, value2], i) => {
      const ofLine = costed.filter(p => p.method === id && (p.value2 || '') === value2);
      const points = r.values.map(String).map(v => ofLine.filter(p => String(p.value) === v))
                         .filter(ps => ps.length > 0)
                         .map(ps => ({x: mean(ps.map(p => p.cpu_seconds)), y: 100 * mean(ps.map(p => p.linear.top1))}))
                         .sort((a, b) => a.x - b.x);
      if (points.length === 0) return;
      const row = r.rows.find(x => x.method === id && (x.value2 || '') === value2);
      datasets.push(line(row ? row.label : id, points, i));
    });
    const o = options('CPU seconds per point (training with generation, and probes; mean over seeds)', 'linear top-1 % on real test images');
    o.scales.x = {type: r.log_axis ? 'logarithmic' : 'linear', title: {display: true, text: 'CPU seconds per point' + (r.log_axis ? ' (log scale)' : '')}};
    chartFigure(grid, {id: `experiment-${r.study}-cost`, title: `${r.study}: linear top-1 against the CPU seconds each point cost`, command: sec.command,
                       caption: `A point per value of ${r.axis}: the means over its seeds. `},
                {type: 'line', data: {datasets: datasets}, options: o});
  }

  function experiment(sec) {
    const r = sec.results;
    const node = section(`Study: ${r.study}`, sec);
    node.appendChild(el('p', {}, r.summary || ''));
    node.appendChild(el('p', {class: 'meta'}, `${r.axis ? 'axis ' + r.axis : 'no axis'}${r.axis2 ? `, lines per ${r.axis2}` : ''}; ${r.points.length} points done; seeds done: ${r.seeds_done}; ` +
                        provenanceLine(r)));
    if (r.paper) node.appendChild(el('p', {class: 'meta'}, `the paper: ${r.paper}`));
    if (r.left_out && r.left_out.length) {
      node.appendChild(el('p', {class: 'meta'}, `left out: ${r.left_out.join(', ')} (they learn from the generator's classes; it has none)`));
    }
    if (!r.axis) {
      methodTable(node, r.rows, r.seeds_done, sec, `experiment-${r.study}`);
      comparisonTable(node, r.comparisons);
      return;
    }
    const axis = studyAxis(r);
    const {numeric, xScale} = axis;
    const grid = el('div', {class: 'grid'});
    node.appendChild(grid);
    const several = r.seeds_done > 1;
    const lines = studyLines(r);
    probes.forEach(([probe, name], p) => {
      const datasets = [];
      lines.forEach((ofLine, i) => {
        const {label, points} = linePoints(r, ofLine, probe, axis);
        if (points.length === 0) return;
        if ((several || probe === 'few_shot') && points.some(q => q.spread > 0)) datasets.push(...band(points, i));
        datasets.push(line(label, points, i));
      });
      (r.references || []).forEach((id, k) => {
        const level = referenceLine(r, id, probe, axis);
        if (level) datasets.push(line(`${level.label} (reference)`, level.points, lines.length + k, {borderDash: [6, 4], pointRadius: 0}));
      });
      const extra = {};
      if (probe === 'linear_top1' && r.paper_series && r.paper_series.x && numeric) {
        datasets.push(line(r.paper_series.label, r.paper_series.x.map((x, i) => ({x: x, y: r.paper_series.y[i]})), 8,
                           {yAxisID: 'paper', borderColor: colour(8, 0.45), backgroundColor: colour(8, 0.45), borderDash: [2, 3]}));
        extra.paper = {position: 'right', grid: {drawOnChartArea: false}, title: {display: true, text: 'the paper, linear top-1 % (its dataset)'}};
      }
      const o = options(r.axis, `${name} % on real test images`);
      o.scales.x = xScale;
      Object.assign(o.scales, extra);
      chartFigure(grid, {id: `experiment-${r.study}-${probe}`, title: `${r.study}: ${name} against ${r.axis}`, command: sec.command,
                         caption: several ? 'Mean over seeds, band: spread (sample standard deviation) over seeds. '
                                          : (probe === 'few_shot' ? 'One seed; band: spread over the few-shot draws. ' : 'One seed: no spread. ')},
                  {type: 'line', data: {datasets: datasets}, options: o});
    });
    costChart(grid, r, sec, lines);
    const columns = [''].concat(r.references && r.references.length ? ['(reference)'] : [], r.values.map(String));
    const tableLines = (r.references || []).map(id => [id, '']).concat(lines);
    probes.forEach(([probe, name]) => {
      const rows = tableLines.map(([id, value2]) => {
        const ofLine = x => x.method === id && (x.value2 || '') === value2;
        const label = (r.rows.find(ofLine) || {label: id}).label;
        const cells = columns.slice(1).map(c => {
          const value = c === '(reference)' ? '' : c;
          const row = r.rows.find(x => ofLine(x) && x.value === value);
          return row ? meanSpread(row[probe], several || probe === 'few_shot') : '';
        });
        return [label].concat(cells);
      });
      node.appendChild(el('h4', {}, `${name} % (${r.axis} = columns)`));
      node.appendChild(table(columns, rows));
    });
    comparisonTable(node, r.comparisons);
  }

  // ---- the same study from several folders (another generator): one chart per probe ----
  // Each folder's methods are lines in its colour (solid, dotted: another method), its
  // references dashed; the folder is named by its generator (settings gen.path).
  function compareStudies(group) {
    const first = group[0].results;
    const node = section(`Study: ${first.study}, ${group.length} runs side by side`, group[0]);
    const sourceOf = sec => (sec.results.settings && sec.results.settings['gen.path']) || sec.folder;
    node.appendChild(el('p', {}, `The same study (axis ${first.axis}) from ${group.map(sourceOf).join(' and ')}: ` +
                                 'one colour per run, its references dashed.'));
    const axis = studyAxis(first);
    const grid = el('div', {class: 'grid'});
    node.appendChild(grid);
    probes.forEach(([probe, name]) => {
      const datasets = [];
      group.forEach((sec, g) => {
        const r = sec.results;
        studyLines(r).forEach((ofLine, m) => {
          const {label, points} = linePoints(r, ofLine, probe, axis);
          if (points.length) datasets.push(line(`${sourceOf(sec)}: ${label}`, points, g, m ? {borderDash: [2, 3]} : {}));
        });
        (r.references || []).forEach(id => {
          const level = referenceLine(r, id, probe, axis);
          if (level) datasets.push(line(`${sourceOf(sec)}: ${level.label} (reference)`, level.points, g, {borderDash: [6, 4], pointRadius: 0}));
        });
      });
      const o = options(first.axis, `${name} % on real test images`);
      o.scales.x = axis.xScale;
      chartFigure(grid, {id: `compare-${first.study}-${probe}`, title: `${first.study}: ${name} against ${first.axis}, per run`,
                         command: group.map(sec => sec.command).join('; '), caption: 'Means over each run\'s seeds (spreads: each run\'s own figure). '},
                  {type: 'line', data: {datasets: datasets}, options: o});
    });
  }

  // ---- a table of methods (the demo, a study without an axis): bars per probe, the baselines as lines ----
  function methodTable(node, rows, seeds, sec, idPrefix) {
    const baselines = rows.filter(x => x.method === 'pixels' || x.method === 'random');
    const methods = rows.filter(x => x.method !== 'pixels' && x.method !== 'random');
    const labels = methods.map(x => x.label.split(', '));  // one line per part: "SimCLR" / "generator" / "Tx only"
    const grid = el('div', {class: 'grid'});
    node.appendChild(grid);
    probes.forEach(([probe, name], p) => {
      const datasets = [{type: 'bar', label: name, data: methods.map(x => 100 * x[probe].mean), backgroundColor: colour(p, 0.7)}];
      // Horizontal bars (method names stay readable); a baseline is a vertical dashed line.
      baselines.forEach((b, k) => datasets.push({type: 'line', label: b.label, data: labels.map(() => 100 * b[probe].mean),
                                                 borderColor: colour(3 + k), backgroundColor: colour(3 + k), borderDash: [6, 4],
                                                 pointRadius: 0, fill: false}));
      const o = options(`${name} % on real test images`, 'method');
      o.indexAxis = 'y';
      // The bars differ by points: the axis starts a little below the lowest, not at 0.
      const values = methods.map(x => x[probe].mean);
      o.scales.x = {type: 'linear', beginAtZero: false, title: {display: true, text: `${name} % on real test images`},
                    min: Math.max(0, Math.floor(100 * Math.min(...values, ...baselines.map(b => b[probe].mean)) - 5))};
      o.scales.y = {type: 'category', title: {display: false, text: 'method'}, ticks: {autoSkip: false}};
      chartFigure(grid, {id: `${idPrefix}-${probe}`, title: `${name} per method`, command: sec.command, tall: true,
                         caption: seeds > 1 ? 'Bars: mean over seeds (spread in the table). ' : 'One seed. '},
                  {type: 'bar', data: {labels: labels, datasets: datasets}, options: o});
    });
    const several = seeds > 1;
    node.appendChild(table(['method', 'linear top-1 %', 'kNN top-1 %', 'few-shot top-1 %', 'views/s'],
                           rows.map(x => [x.label, meanSpread(x.linear_top1, several), meanSpread(x.knn_top1, several),
                                          meanSpread(x.few_shot, true), x.views_per_second ? Math.round(x.views_per_second) : ''])));
  }

  function demo(sec) {
    const r = sec.results;
    const node = section('genrep demo: methods on the same budget', sec);
    node.appendChild(el('p', {class: 'meta'}, `seeds: ${r.seeds}; CPU ${r.cpu && r.cpu.model ? r.cpu.model : 'unknown'}`));
    methodTable(node, r.rows, r.seeds, sec, 'demo');
    demoCurves(node, sec);
    demoMaps(node, sec);
    if (r.generator_quality) node.appendChild(details('generator quality', JSON.stringify(r.generator_quality, null, 2)));
  }

  // Each method's features of the same test images on their first two principal components
  // (sec.maps, from map.json): a scatter per method, a colour per class.
  function demoMaps(node, sec) {
    const maps = sec.maps || [];
    if (maps.length === 0) return;
    node.appendChild(el('h4', {}, `Features of ${maps[0].images} test images on their first two principal components (${maps[0].seed})`));
    const grid = el('div', {class: 'grid'});
    node.appendChild(grid);
    maps.forEach(m => {
      const names = m.class_names || [];
      const classes = [...new Set(m.labels)].sort((a, b) => a - b);
      const datasets = classes.map(c => ({
        label: names[c] || String(c), backgroundColor: colour(c, 0.6), borderColor: colour(c, 0.6), pointRadius: 1.5,
        data: m.labels.map((l, i) => (l === c ? {x: m.x[i], y: m.y[i]} : null)).filter(p => p !== null)}));
      chartFigure(grid, {id: `demo-map-${m.method}`, title: m.method, command: sec.command,
                         caption: `PCA of the features; the two components hold ${(100 * m.explained).toFixed(1)} % of their variance. `},
                  {type: 'scatter', data: {datasets: datasets}, options: options('first component', 'second component')});
    });
  }

  // The learning curves of every trained method (sec.curves: per method and seed, [step, value]
  // pairs): one chart per quantity, a line per method, the mean over its seeds at each step.
  function demoCurves(node, sec) {
    const curves = sec.curves || [];
    if (curves.length === 0) return;
    const methods = [...new Set(curves.map(c => c.method))].sort();
    const grid = el('div', {class: 'grid'});
    node.appendChild(grid);
    [['loss', 'loss (window mean)', 1, 'Training loss'], ['knn_top1', 'kNN top-1 % (validation)', 100, 'Online kNN monitor']]
      .forEach(([key, yTitle, scale, title]) => {
        const datasets = methods.map((method, i) => {
          const sums = new Map();
          curves.filter(c => c.method === method).forEach(c => c[key].forEach(([step, value]) => {
            const s = sums.get(step) || {total: 0, count: 0};
            s.total += scale * value;
            s.count += 1;
            sums.set(step, s);
          }));
          const points = [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([step, s]) => ({x: step, y: s.total / s.count}));
          return line(method, points, i, {pointRadius: 0});
        }).filter(d => d.data.length > 0);
        const figure = chartFigure(grid, {id: `demo-curve-${key}`, title: `${title}, per method`, command: sec.command,
                                          caption: 'Mean over the seeds at each logged step. '},
                                   {type: 'line', data: {datasets: datasets}, options: options('step (updates)', yTitle)});
        if (datasets.length === 0) figure.setAttribute('data-empty', 'no readings (learn.monitor_every = 0, or runs before it)');
      });
  }

  // ---- encoder run: loss, monitor, speed; the probes when evaluated ----
  function encoder(sec) {
    const node = section('Encoder training', sec);
    const m = sec.metrics || [];
    const t = sec.manifest && sec.manifest.training ? sec.manifest.training : null;
    if (t) node.appendChild(el('p', {class: 'meta'}, `${t.objective} on ${t.source}; ${t.steps} steps x ${t.batch} anchors`));
    const grid = el('div', {class: 'grid'});
    node.appendChild(grid);
    const lossOptions = options('step (updates)', 'loss (window mean)');
    lossOptions.scales.lr = {position: 'right', grid: {drawOnChartArea: false}, title: {display: true, text: 'learning rate'}};
    chartFigure(grid, {id: 'encoder-loss', title: 'Loss and learning rate', command: sec.command},
                {type: 'line', data: {datasets: [line('loss', steps(m, 'loss'), 0), line('learning rate', steps(m, 'lr'), 1, {yAxisID: 'lr', pointRadius: 0})]},
                 options: lossOptions});
    const monitor = m.filter(r => r.event === 'monitor').map(r => ({x: r.step, y: 100 * r.knn_top1}));
    const monitorFigure = chartFigure(grid, {id: 'encoder-monitor', title: 'Online kNN monitor', command: sec.command,
                                             caption: 'kNN top-1 on 1 000 validation images against 5 000 training images (learn.monitor_every). '},
                                      {type: 'line', data: {datasets: [line('kNN top-1 %', monitor, 2)]},
                                       options: options('step (updates)', 'kNN top-1 % (validation)')});
    if (monitor.length === 0) monitorFigure.setAttribute('data-empty', 'no monitor readings (learn.monitor_every = 0, or a run before it)');
    const speedOptions = options('step (updates)', 'views per second');
    speedOptions.scales.share = {position: 'right', min: 0, max: 100, grid: {drawOnChartArea: false}, title: {display: true, text: 'share of a step, %'}};
    chartFigure(grid, {id: 'encoder-speed', title: 'Speed and where the time goes', command: sec.command},
                {type: 'line', data: {datasets: [line('views/s', steps(m, 'views_per_second'), 3),
                                                 line('generation %', steps(m, 'generate_share').map(p => ({x: p.x, y: 100 * p.y})), 4, {yAxisID: 'share'}),
                                                 line('pixel views %', steps(m, 'augment_share').map(p => ({x: p.x, y: 100 * p.y})), 5, {yAxisID: 'share'})]},
                 options: speedOptions});
    if (sec.eval) {
      const e = sec.eval;
      node.appendChild(el('h4', {}, 'Probes on real images'));
      node.appendChild(table(['probe', 'top-1 %'], [['linear', percent(e.linear && e.linear.top1)], ['kNN', percent(e.knn && e.knn.top1)],
                                                      ['few-shot', meanSpread(e.few_shot, true)]]));
    }
    if (sec.config) node.appendChild(details('settings (config.toml)', sec.config));
  }

  function ganCurves(parent, sec, m) {
    const grid = el('div', {class: 'grid'});
    parent.appendChild(grid);
    chartFigure(grid, {id: 'gan-losses', title: 'GAN losses', command: sec.command},
                {type: 'line', data: {datasets: [line('D loss', steps(m, 'loss_d'), 0, {pointRadius: 0}), line('G loss', steps(m, 'loss_g'), 1, {pointRadius: 0})]},
                 options: options('step (D and G updates)', 'loss (window mean)')});
    const probe = m.filter(r => typeof r.class_consistency === 'number' && typeof r.step === 'number').map(r => ({x: r.step, y: 100 * r.class_consistency}));
    if (probe.length > 0) {
      chartFigure(grid, {id: 'gan-quality', title: 'Class consistency during training', command: sec.command,
                         caption: 'A real-data classifier\'s accuracy on conditional samples of the moving-average G. '},
                  {type: 'line', data: {datasets: [line('class consistency %', probe, 2)]}, options: options('step', 'class consistency %')});
    }
    const frechet = m.filter(r => typeof r.frechet_distance === 'number' && typeof r.step === 'number').map(r => ({x: r.step, y: r.frechet_distance}));
    if (frechet.length > 0) {
      chartFigure(grid, {id: 'gan-frechet', title: 'Fréchet distance during training', command: sec.command,
                         caption: 'Between the real-data classifier\'s features of samples of the moving-average G and of the real test images; lower is closer. '},
                  {type: 'line', data: {datasets: [line('Fréchet distance', frechet, 3)]}, options: options('step', 'Fréchet distance (classifier features)')});
    }
  }

  // ---- GAN run ----
  function gan(sec) {
    const node = section('GAN training', sec);
    ganCurves(node, sec, sec.metrics || []);
    if (sec.samples) imageFigure(node, {id: 'gan-samples', title: 'Samples of the trained generator', command: sec.command,
                                        caption: 'One row per class for a conditional generator. '}, sec.samples);
    if (sec.config) node.appendChild(details('settings (config.toml)', sec.config));
  }

  // ---- generator folder ----
  function generator(sec) {
    const man = sec.manifest || {};
    const node = section(`Generator: ${man.kind || 'unknown kind'}`, sec);
    node.appendChild(el('p', {class: 'meta'}, `${man.parameters || '?'} parameters; latent ${man.latent_dim}; ` +
                        `${man.classes > 0 ? man.classes + ' classes (conditional)' : 'unconditional'}; images ${JSON.stringify(man.image_shape)}`));
    if (sec.quality) {
      const q = sec.quality;
      node.appendChild(table(['measure', 'value'], [
        ['class consistency %', q.class_consistency === null ? 'n/a (unconditional)' : percent(q.class_consistency)],
        ['Fréchet distance (classifier features)', typeof q.frechet_distance === 'number' ? q.frechet_distance.toFixed(3) : ''],
        ['its floor: real train vs real test', typeof q.frechet_distance_floor === 'number' ? q.frechet_distance_floor.toFixed(3) : ''],
        // quality.json files written before these measures have none: the rows say so
        ['precision / recall (k-NN balls in the same features)', typeof q.precision === 'number' ?
          `${q.precision.toFixed(3)} / ${q.recall.toFixed(3)} (floor ${q.precision_recall_floor.precision.toFixed(3)} / ${q.precision_recall_floor.recall.toFixed(3)})` : 'not measured (older genrep gan eval)'],
        ['class coverage: exp(entropy) / classes of predicted classes', typeof q.class_coverage === 'number' ?
          `${q.class_coverage.toFixed(3)} (rarest class ${q.rarest_class_share.toFixed(2)} of uniform)` : 'not measured (older genrep gan eval)'],
        ['train on synthetic, test on real %', q.tstr_accuracy === null ? 'n/a' : percent(q.tstr_accuracy)]]));
      // What the samples look like, class by class: where an unconditional generator drops modes.
      const shares = q.predicted_class_shares;
      if (Array.isArray(shares) && shares.length > 0) {
        const labels = Array.isArray(q.class_names) && q.class_names.length === shares.length ? q.class_names : shares.map((_, k) => `class ${k}`);
        const o = options('class', '% of the samples');
        o.scales.x.type = 'category';
        chartFigure(node, {id: 'generator-classes', title: 'Which real classes the samples look like',
                           command: `genrep gan eval --generator ${sec.folder}`,
                           caption: `The real-data classifier's predicted class of ${q.samples || 'the'} samples, against every class as frequent. `},
                    {type: 'bar', data: {labels: labels, datasets: [
                      {label: 'samples', data: shares.map(x => 100 * x), backgroundColor: colour(0, 0.7)},
                      {type: 'line', label: 'uniform', data: shares.map(() => 100 / shares.length), borderColor: colour(7),
                       backgroundColor: colour(7), borderDash: [6, 4], pointRadius: 0, fill: false}]},
                     options: o});
      }
      // How far a positive pair of the σ study can move before it shows two classes.
      const change = q.neighbour_class_change;
      if (change && Array.isArray(change.gaussian) && change.gaussian.length > 0) {
        const rows = change.gaussian.map(r => ({x: r.sigma, y: 100 * r.changed}));
        const independent = change.independent && typeof change.independent.changed === 'number' ? 100 * change.independent.changed : null;
        const datasets = [line('gaussian neighbour', rows, 0)];
        if (independent !== null) {
          datasets.push(line(man.classes > 0 ? 'independent (a fresh z of the class)' : 'independent (another anchor)',
                             rows.map(p => ({x: p.x, y: independent})), 7, {borderDash: [6, 4], pointRadius: 0}));
        }
        const o = options('σ of the gaussian view', '% of pairs in different classes');
        Object.assign(o.scales.y, {min: 0, max: 100});
        chartFigure(node, {id: 'generator-neighbours', title: 'How often a latent neighbour shows another class',
                           command: `genrep gan eval --generator ${sec.folder}`,
                           caption: `The share of ${change.pairs || ''} (anchor, gaussian neighbour z + σ e) pairs whose images the ` +
                                    'real-data classifier puts in different classes; its own mistakes count too. '},
                    {type: 'line', data: {datasets: datasets}, options: o});
      }
    }
    const training = Object.assign({}, sec, {command: `genrep gan train (its settings: training.config in ${sec.folder}/manifest.json)`});
    if (sec.metrics) ganCurves(node, training, sec.metrics);
    if (sec.samples) imageFigure(node, {id: 'generator-samples', title: 'Samples', command: `genrep gan sample --generator ${sec.folder}`,
                                        caption: 'One row per class for a conditional generator. '}, sec.samples);
  }

  // ---- steering walks ----
  function walks(sec) {
    const node = section('Steering walks', sec);
    const w = (sec.walks && sec.walks.walks) || [];
    const labels = w.map(x => x.edit);
    const grid = el('div', {class: 'grid'});
    node.appendChild(grid);
    const fitOptions = options('edit', 'mean squared error (pixels in [-1, 1])');
    fitOptions.scales.x.type = 'category';
    chartFigure(grid, {id: 'walks-fit', title: 'How well each walk makes its edit', command: sec.command,
                       caption: 'Mean squared error to the edited image: with the walk, and with no walk (the identity). Lower is better. '},
                {type: 'bar', data: {labels: labels, datasets: [
                  {label: 'walk', data: w.map(x => x.report.walk_mse), backgroundColor: colour(0, 0.7)},
                  {label: 'identity', data: w.map(x => x.report.identity_mse), backgroundColor: colour(7, 0.5)}]},
                 options: fitOptions});
    if (sec.metrics) {
      const keys = labels.map(l => `loss_${l}`);
      chartFigure(grid, {id: 'walks-loss', title: 'Walk training losses', command: sec.command},
                  {type: 'line', data: {datasets: keys.map((k, i) => line(labels[i], steps(sec.metrics, k), i))}, options: options('step', 'loss')});
    }
    node.appendChild(table(['edit', 'range', 'achieved', 'walk MSE', 'identity MSE'],
                           w.map(x => [x.edit, `${x.min} to ${x.max}${x.log_scale ? ' (log)' : ''}`, x.report.achieved.toFixed(3),
                                       x.report.walk_mse.toFixed(4), x.report.identity_mse.toFixed(4)])));
    for (const [name, src] of Object.entries(sec.panels || {})) {
      imageFigure(node, {id: `walks-${name}`, title: name, command: sec.command}, src);
    }
  }

  // ---- view panels: the image with its columns labelled from views.json ----
  function views(sec) {
    const node = section('Views', sec);
    const layout = sec.layout || {};
    const header = el('div', {class: 'columns'});
    const total = layout.columns || 1;
    // The panel leaves one empty cell between groups (layout.columns counts them): a spacer of
    // that width keeps each label over its group.
    (layout.groups || []).forEach((g, i) => {
      if (i > 0) header.appendChild(el('span', {class: 'gap', style: `flex: ${1 / total}`}, ''));
      header.appendChild(el('span', {style: `flex: ${g.columns / total}`}, `${g.view} (${g.columns})`));
    });
    imageFigure(node, {id: 'views-panel', title: 'View panel', command: sec.command,
                       caption: `${layout.rows || '?'} anchors, one per row; each column group is one kind of view, labelled above. `},
                sec.image, header);
  }

  function failed(sec) {
    const node = section(`Could not read: ${sec.of}`, sec);
    message(node, sec.message);
  }

  const draw = {experiment: experiment, demo: demo, encoder: encoder, gan: gan, generator: generator, walks: walks, views: views, error: failed};
  root.innerHTML = '';
  let data = null;
  try {
    data = JSON.parse(document.getElementById('report-data').textContent);
  } catch (error) {
    message(root, `The report's data do not parse (${error.message}): run genrep report again.`);
  }
  if (data) {
    root.appendChild(el('header', {}, el('h1', {}, 'genrep report'),
                        el('p', {class: 'meta'}, `${(data.folders || []).join(', ')}; made ${data.made} by genrep ${data.genrep}`)));
    if (!Array.isArray(data.sections) || data.sections.length === 0) message(root, 'This report holds no sections.');
    for (const sec of data.sections || []) {
      try {
        (draw[sec.kind] || failed)(sec.kind in draw ? sec : {kind: 'error', of: sec.kind, folder: sec.folder, message: `no drawing for "${sec.kind}"`});
      } catch (error) {
        message(root, `The section from ${sec.folder} (${sec.kind}) could not be drawn: ${error.message}`);
        console.error(error);
      }
    }
    // A study with an axis that more than one folder holds (on two generators): side by side.
    const studies = {};
    for (const sec of data.sections || []) {
      const r = sec.kind === 'experiment' && sec.results;
      if (!r || !r.axis || !Array.isArray(r.values)) continue;
      (studies[`${r.study} ${r.axis}`] = studies[`${r.study} ${r.axis}`] || []).push(sec);
    }
    for (const group of Object.values(studies).filter(g => g.length > 1)) {
      try {
        compareStudies(group);
      } catch (error) {
        message(root, `The study ${group[0].results.study} could not be compared: ${error.message}`);
        console.error(error);
      }
    }
  }
  document.body.setAttribute('data-rendered', 'yes');
  document.body.setAttribute('data-errors', String(window.reportErrors.length));
  if (window.reportErrors.length) message(document.body, `Errors while drawing: ${window.reportErrors.join('; ')}`);
})();
