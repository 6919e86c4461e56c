//! Small inline SVG charts: bars, a scatter and a histogram, drawn by hand because the report
//! must open offline as one file and a plotting library would add a script or a dependency tree
//! for four simple shapes.

/// Escapes text for XML and HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const W: f64 = 640.0;
const H: f64 = 220.0;
const PAD: f64 = 40.0;

fn frame(title: &str, body: String, x_label: &str, y_label: &str) -> String {
    frame_sized(title, body, x_label, y_label, H, PAD)
}

/// The axes, their labels and the title around `body`, `height` tall with `bottom` under
/// the x axis.
fn frame_sized(
    title: &str,
    body: String,
    x_label: &str,
    y_label: &str,
    height: f64,
    bottom: f64,
) -> String {
    format!(
        "<figure><figcaption>{t}</figcaption><svg class=\"chart\" role=\"img\" aria-label=\"{t}\" viewBox=\"0 0 {W} {height}\" width=\"{W}\" height=\"{height}\">\
<line x1=\"{PAD}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#888\"/><line x1=\"{PAD}\" y1=\"10\" x2=\"{PAD}\" y2=\"{b}\" stroke=\"#888\"/>\
<text x=\"{cx}\" y=\"{ly}\" text-anchor=\"middle\" font-size=\"11\">{xl}</text><text x=\"12\" y=\"{cy}\" font-size=\"11\" transform=\"rotate(-90 12 {cy})\" text-anchor=\"middle\">{yl}</text>{body}</svg></figure>",
        t = esc(title),
        b = height - bottom,
        r = W - 10.0,
        cx = W / 2.0,
        ly = height - 8.0,
        cy = (height - bottom) / 2.0,
        xl = esc(x_label),
        yl = esc(y_label),
    )
}

/// Vertical bars in [0, 1], one per label, each labelled under the axis.
pub fn bars(title: &str, items: &[(String, f64)]) -> String {
    let n = items.len().max(1) as f64;
    let bw = (W - PAD - 10.0) / n;
    // Labels run down at 60 degrees: room under the axis for the longest, within reason.
    let longest = items
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let label_room = (longest as f64 * 5.0).clamp(20.0, 140.0);
    let bottom = PAD + label_room;
    let plot = H - PAD - 10.0;
    let height = plot + 10.0 + bottom;
    let base = height - bottom;
    let font = (bw * 0.8).clamp(6.0, 10.0);
    let mut body = String::new();
    for (i, (label, v)) in items.iter().enumerate() {
        let h = v.clamp(0.0, 1.0) * plot;
        let x = PAD + i as f64 * bw + 1.0;
        let cx = x + bw / 2.0 - 1.0;
        let ly = base + 6.0;
        body.push_str(&format!(
            "<rect class=\"bar\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"#3b7dd8\"><title>{l}: {v:.3}</title></rect>\
<text class=\"bar-label\" x=\"{cx:.1}\" y=\"{ly:.1}\" font-size=\"{font:.1}\" text-anchor=\"end\" transform=\"rotate(-60 {cx:.1} {ly:.1})\">{l}</text>",
            base - h,
            (bw - 2.0).max(1.0),
            l = esc(label)
        ));
    }
    frame_sized(title, body, "question", "score", height, bottom)
}

/// A scatter of (x, y) points with labels.
pub fn scatter(title: &str, points: &[(String, f64, f64)], x_label: &str, y_label: &str) -> String {
    let xmax = points.iter().map(|p| p.1).fold(0.0f64, f64::max).max(1e-9);
    let mut body = String::new();
    for (label, x, y) in points {
        let px = PAD + x / xmax * (W - PAD - 20.0);
        let py = H - PAD - y.clamp(0.0, 1.0) * (H - PAD - 10.0);
        body.push_str(&format!("<circle class=\"dot\" cx=\"{px:.1}\" cy=\"{py:.1}\" r=\"4\" fill=\"#d8573b\"><title>{}: ({x:.4}, {y:.3})</title></circle>", esc(label)));
    }
    body.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"end\">{xmax:.3}</text>",
        W - 10.0,
        H - PAD + 12.0
    ));
    frame(title, body, x_label, y_label)
}

/// A histogram of values in `bins` equal bins.
pub fn histogram(title: &str, xs: &[f64], bins: usize, x_label: &str) -> String {
    let max = xs.iter().copied().fold(0.0f64, f64::max).max(1e-9);
    let mut counts = vec![0usize; bins.max(1)];
    for x in xs {
        let i = ((x / max) * bins as f64) as usize;
        counts[i.min(bins - 1)] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    let bw = (W - PAD - 10.0) / bins as f64;
    let mut body = String::new();
    for (i, c) in counts.iter().enumerate() {
        let h = *c as f64 / top * (H - PAD - 10.0);
        let lo = max * i as f64 / bins as f64;
        let hi = max * (i + 1) as f64 / bins as f64;
        body.push_str(&format!(
            "<rect class=\"bar\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"#4a9a5b\"><title>{lo:.1} to {hi:.1}: {c}</title></rect>",
            PAD + i as f64 * bw + 1.0,
            H - PAD - h,
            (bw - 2.0).max(1.0)
        ));
    }
    body.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"end\">{max:.1}</text>",
        W - 10.0,
        H - PAD + 12.0
    ));
    frame(title, body, x_label, "count")
}
