// Measures the report's layout in the browser, for tests/tests/html_chromium.rs: the test
// adds this script to a copy of a report (reports have no script of their own), and reads
// back the list of problems it writes into the page. Folded <details> are opened first, so
// that what a reader can unfold is measured too.
(function () {
  var problems = [];
  var width = window.innerWidth;
  function name(el) {
    var s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.className && typeof el.className === 'string') s += '.' + el.className.trim().split(/\s+/).join('.');
    var text = (el.textContent || '').trim().slice(0, 40);
    return s + ' "' + text + '"';
  }
  document.querySelectorAll('details').forEach(function (d) { d.open = true; });
  var doc = document.documentElement;
  if (doc.scrollWidth > width) {
    problems.push('the page is ' + doc.scrollWidth + ' px wide in a ' + width + ' px window');
  }
  document.querySelectorAll('main *').forEach(function (el) {
    var style = getComputedStyle(el);
    if (style.display === 'none' || el.closest('svg') && el.tagName.toLowerCase() !== 'svg') return;
    var box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) return;
    if (box.right > width + 0.5 || box.left < -0.5) {
      problems.push('outside the window: ' + name(el) + ' spans ' + Math.round(box.left) + '..' + Math.round(box.right));
    }
    // Content cut by a box that hides or scrolls what overflows it.
    if (style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1) {
      problems.push('cut or scrolled: ' + name(el) + ' holds ' + el.scrollWidth + ' px in ' + el.clientWidth);
    }
    if (style.textOverflow === 'ellipsis') problems.push('ellipsis: ' + name(el));
    // Content spilling out of its own box, which would run over its neighbours.
    var block = /^(block|list-item|table-cell|flex|grid|flow-root)$/.test(style.display);
    if (block && style.overflowX === 'visible' && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
      problems.push('spills out of its box: ' + name(el) + ' holds ' + el.scrollWidth + ' px in ' + el.clientWidth);
    }
  });
  document.querySelectorAll('svg text').forEach(function (t) {
    var vb = t.ownerSVGElement.viewBox.baseVal;
    if (!vb || !vb.width) return;
    var b = t.getBBox();
    if (b.x < vb.x - 0.5 || b.y < vb.y - 0.5 || b.x + b.width > vb.x + vb.width + 0.5 || b.y + b.height > vb.y + vb.height + 0.5) {
      problems.push('SVG text outside its drawing: "' + t.textContent + '" at ' + [b.x, b.y, b.width, b.height].map(Math.round).join(','));
    }
  });
  var labels = Array.prototype.slice.call(document.querySelectorAll('text.stem-label'));
  for (var i = 0; i < labels.length; i++) {
    for (var j = i + 1; j < labels.length; j++) {
      var a = labels[i].getBoundingClientRect(), b = labels[j].getBoundingClientRect();
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
        problems.push('stem labels overlap: "' + labels[i].textContent + '" and "' + labels[j].textContent + '"');
      }
    }
  }
  var result = JSON.stringify({ width: width, checked: document.querySelectorAll("main *").length, problems: problems });
  if (window.parent !== window) window.parent.postMessage(result, "*");
  var out = document.createElement("pre");
  out.id = 'layout-check';
  out.textContent = result;
  document.body.appendChild(out);
})();
