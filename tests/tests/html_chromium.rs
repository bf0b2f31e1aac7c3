//! The HTML reports in a real browser: headless Chromium opens the reports of the spec example
//! and of the Ukraine scenario, and the `scn score --history` page of the worked library of
//! scored forecasts, at a desktop width (1280 px) and a phone width (390 px). At
//! each width the page must log no console message (the page has no script, so any message
//! is a failure: an error, or something it tried to fetch), draw a screenshot that is not
//! blank, and pass a layout check (`html/layout-check.js`, run in a copy of the page): no
//! horizontal overflow (`document.scrollWidth <= innerWidth`), no element outside the window,
//! no content cut or scrolled inside a box, none spilling out of its box, no ellipsis, no SVG
//! text outside its drawing, no two stem labels of the timeline overlapping. Folded
//! `<details>` are opened first, so what a reader can unfold is checked too. The screenshots
//! stay in `target/artifacts/` for people to look at.
//!
//! Headless Chromium will not make a window narrower than 500 px, so each page is shown in
//! an `<iframe>` exactly as wide as the width under test; the iframe's page reports its
//! measurements to the outer page, which `--dump-dom` prints.
//!
//! Without `/usr/bin/chromium` the test is skipped, except under `CI`, where it fails: CI
//! installs Chromium (`apt-get install -y chromium`). `scripts/html-smoke.sh` does the same by
//! hand.
//!
//! "Not blank" is decided on the decoded pixels, not on the file's size: a PNG of one colour
//! can be large or small depending on the encoder. The decoder below handles what Chromium
//! writes (8-bit RGB or RGBA, not interlaced), with a small inflate, so the test needs no
//! extra crate.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use scn_cli::{Exit, Io};

const CHROMIUM: &str = "/usr/bin/chromium";
const SPEC_EXAMPLE: &str = include_str!("../fixtures/valid/spec-example.scn");
const UKRAINE: &str = include_str!("../../scenarios/ukraine/peace-talks-2025.scn");
const LAYOUT_CHECK: &str = include_str!("html/layout-check.js");
/// A headless screenshot takes a few seconds; a hung browser must not hang the suite.
const TIME_LIMIT: Duration = Duration::from_secs(120);
/// The widths under test, and how much of each page the screenshot shows.
const WIDTHS: [(&str, u32, u32); 2] = [("desktop", 1280, 2400), ("phone", 390, 2400)];
/// Chromium's narrowest headless window.
const MIN_WINDOW: u32 = 500;

#[test]
#[ignore = "needs /usr/bin/chromium; scripts/test runs it when chromium is installed, and CI installs it"]
fn the_reports_fit_desktop_and_phone_in_chromium() {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing (apt-get install -y chromium)"
    );
    let work = TempDir::new("scn-html-chromium");
    let artifacts = artifacts_dir();
    std::fs::create_dir_all(&artifacts).expect("create target/artifacts");
    let pages = [
        ("spec-example", render(SPEC_EXAMPLE)),
        ("ukraine", render(UKRAINE)),
        ("scores", score_page(&work.0)),
    ];
    for (name, html) in pages {
        let page = work.0.join(format!("{name}.html"));
        std::fs::write(&page, &html).expect("write the report");
        let checked = work.0.join(format!("{name}-checked.html"));
        std::fs::write(&checked, with_layout_check(&html)).expect("write the report");

        for (label, width, height) in WIDTHS {
            let what = format!("{name} at {width} px");
            let frame = work.0.join(format!("{name}-{label}.html"));
            std::fs::write(&frame, framed(&page, width, height, false)).expect("write a frame");
            let shot = artifacts.join(format!("{name}-{label}.png"));
            let _ = std::fs::remove_file(&shot);
            let log = chromium(
                &frame,
                Output::Screenshot(&shot),
                (width.max(MIN_WINDOW), height),
                &work.0.join(format!("profile-{name}-{label}")),
            );
            let console: Vec<&str> = log.lines().filter(|l| is_console_message(l)).collect();
            assert!(
                console.is_empty(),
                "{what}: the page logged to the console:\n{}",
                console.join("\n")
            );
            let bytes = std::fs::read(&shot)
                .unwrap_or_else(|e| panic!("{what}: no screenshot ({e}); log:\n{log}"));
            let image = decode_png(&bytes)
                .unwrap_or_else(|e| panic!("{what}: not a PNG Chromium writes: {e}"));
            assert_eq!(image.height, height, "{what}: screenshot height");
            let ink = ink(&image, width);
            assert!(
                ink.not_background > 0.05 && ink.colours >= 32,
                "{what}: the screenshot looks blank: {:.1}% of pixels differ from the background, {} colours",
                100.0 * ink.not_background,
                ink.colours
            );
            eprintln!(
                "{what}: {} ({:.1}% ink, {} colours)",
                shot.display(),
                100.0 * ink.not_background,
                ink.colours
            );

            let problems = layout_problems(&checked, width, &work.0, &format!("{name}-{label}"));
            assert!(
                problems.is_empty(),
                "{what}: the layout check found:\n{}",
                problems.join("\n")
            );
        }
    }

    // The checks above must be able to fail. An empty page of the report's colour is blank.
    let empty = work.0.join("empty.html");
    std::fs::write(
        &empty,
        "<!DOCTYPE html><html><body style=\"background:#eef0f4\"></body></html>",
    )
    .expect("write a page");
    let shot = work.0.join("empty.png");
    chromium(
        &empty,
        Output::Screenshot(&shot),
        (1280, 2000),
        &work.0.join("profile-empty"),
    );
    let image = decode_png(&std::fs::read(&shot).expect("a screenshot")).expect("a PNG");
    let ink = ink(&image, 1280);
    assert!(
        ink.not_background < 0.01 && ink.colours < 32,
        "an empty page has ink"
    );
    // A table too wide for a phone, a label cut with an ellipsis, and two stem labels on top
    // of each other are each found.
    let bad = "<!DOCTYPE html><html><body><main>\
        <table><tr><td style=\"white-space:nowrap\">a cell far too wide for a phone, a cell far too wide for a phone</td></tr></table>\
        <div style=\"width:80px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap\">January 2026 Istanbul signing</div>\
        <svg viewBox=\"0 0 100 40\" width=\"100\"><text class=\"stem-label\" x=\"20\" y=\"20\">1</text>\
        <text class=\"stem-label\" x=\"21\" y=\"21\">2</text></svg></main></body></html>";
    let page = work.0.join("bad.html");
    std::fs::write(&page, with_layout_check(bad)).expect("write a page");
    let problems = layout_problems(&page, 390, &work.0, "bad");
    let found = |what: &str| problems.iter().any(|p| p.contains(what));
    assert!(
        found("the page is") && found("ellipsis") && found("stem labels overlap"),
        "the layout check missed a fault:\n{}",
        problems.join("\n")
    );
}

/// The sampled HTML report of a scenario, rendered in-process.
fn render(src: &str) -> String {
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let mut stdin = src.as_bytes();
    let args = [
        "scn",
        "eval",
        "-",
        "--format",
        "html",
        "--samples",
        "2000",
        "--seed",
        "1",
    ];
    let code = scn_cli::run(
        args,
        &mut Io {
            stdin: &mut stdin,
            stdout: &mut stdout,
            stderr: &mut stderr,
        },
    );
    assert_eq!(code, Exit::Ok, "{}", String::from_utf8_lossy(&stderr));
    String::from_utf8(stdout).expect("UTF-8")
}

/// `scn score --history --format html` of the worked library (scenarios/scored), committed
/// to a scratch git repository in four dated versions so that every history chart has a
/// line to draw.
fn score_page(work: &Path) -> String {
    let worked = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/scored");
    let text = |name: &str| std::fs::read_to_string(worked.join(name)).expect("read the library");
    let repo = work.join("scores-repo");
    std::fs::create_dir_all(&repo).expect("create the repository's folder");
    let git = |args: &[&str], date: Option<&str>| {
        let mut c = Command::new("git");
        c.arg("-C").arg(&repo).args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ]);
        c.args(args);
        if let Some(d) = date {
            c.env("GIT_AUTHOR_DATE", d).env("GIT_COMMITTER_DATE", d);
        }
        let out = c.output().expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let write = |name: &str, body: &str| std::fs::write(repo.join(name), body).expect("write");
    let commit = |date: &str| {
        git(&["add", "-A"], None);
        git(&["commit", "-q", "-m", date], Some(date));
    };
    let (strike, rate, app) = (
        text("harbour-strike.scn"),
        text("rate-decision.scn"),
        text("app-launch.scn"),
    );
    git(&["init", "-q", "-b", "main"], None);
    write("scn.toml", &text("scn.toml"));
    write("resolutions.toml", &text("resolutions.toml"));
    write(
        "harbour-strike.scn",
        &strike.replace("p = 35% at 2025-10-20", "p = 50% at 2025-10-20"),
    );
    write("app-launch.scn", &app.replace("p = 70%", "p = 80%"));
    commit("2025-09-01T09:00:00Z");
    write("harbour-strike.scn", &strike);
    write(
        "rate-decision.scn",
        &rate.replace("beta(11, 9)", "beta(8, 12)"),
    );
    commit("2025-10-05T09:00:00Z");
    write("rate-decision.scn", &rate);
    write("app-launch.scn", &app);
    commit("2025-12-01T09:00:00Z");
    write("app-launch.scn", &app.replace("p = 70%", "p = 0%"));
    commit("2026-04-02T09:00:00Z");
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let path = repo.to_str().expect("a UTF-8 path");
    let code = scn_cli::run(
        ["scn", "score", path, "--history", "--format", "html"],
        &mut Io {
            stdin: &mut &b""[..],
            stdout: &mut stdout,
            stderr: &mut stderr,
        },
    );
    assert_eq!(code, Exit::Ok, "{}", String::from_utf8_lossy(&stderr));
    let html = String::from_utf8(stdout).expect("UTF-8");
    // Each of the seven resolved forecasts has its history drawn.
    assert_eq!(html.matches("<figure class=\"history\">").count(), 7);
    html
}

/// A copy of a page that measures its own layout when it loads.
fn with_layout_check(html: &str) -> String {
    html.replacen(
        "</body>",
        &format!("<script>\n{LAYOUT_CHECK}\n</script>\n</body>"),
        1,
    )
}

/// A page showing `page` in a frame `width` px wide; with `listen`, it also writes what the
/// framed page posts to it into a `<pre id="layout-check">`.
fn framed(page: &Path, width: u32, height: u32, listen: bool) -> String {
    let name = page
        .file_name()
        .and_then(|n| n.to_str())
        .expect("a file name");
    let script = if listen {
        "<script>addEventListener('message', function (e) { var p = document.createElement('pre'); \
         p.id = 'layout-check'; p.textContent = e.data; document.body.appendChild(p); });</script>"
    } else {
        ""
    };
    format!(
        "<!DOCTYPE html><html><body style=\"margin:0;background:#fff\"><iframe src=\"{name}\" \
         style=\"border:0;display:block;width:{width}px;height:{height}px\"></iframe>{script}</body></html>"
    )
}

/// What the layout check of `page` at `width` found.
fn layout_problems(page: &Path, width: u32, dir: &Path, name: &str) -> Vec<String> {
    let frame = dir.join(format!("{name}-check-{width}.html"));
    std::fs::write(&frame, framed(page, width, 1500, true)).expect("write a frame");
    let dom = chromium(
        &frame,
        Output::Dom,
        (width.max(MIN_WINDOW), 1600),
        &dir.join(format!("profile-{name}-check-{width}")),
    );
    let start = dom
        .find("<pre id=\"layout-check\">")
        .unwrap_or_else(|| panic!("{name}: the layout check wrote nothing:\n{dom}"));
    let text = &dom[start + "<pre id=\"layout-check\">".len()..];
    let text = &text[..text.find("</pre>").expect("the end of the result")];
    let text = text
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let result: serde_json::Value = serde_json::from_str(&text).expect("the check's JSON");
    assert_eq!(
        result["width"].as_u64(),
        Some(u64::from(width)),
        "{name}: the page was laid out at another width"
    );
    result["problems"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|p| p.as_str().unwrap_or_default().to_owned())
        .collect()
}

/// `target/artifacts`, found from this test's executable (`target/<profile>/deps/…`), so
/// that `CARGO_TARGET_DIR` is honoured.
fn artifacts_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    let target = exe.ancestors().nth(3).expect("target/<profile>/deps/<exe>");
    target.join("artifacts")
}

/// What Chromium produces.
enum Output<'a> {
    /// A screenshot, written to this file.
    Screenshot(&'a Path),
    /// The page's DOM after load, on standard output.
    Dom,
}

/// Runs Chromium on a page; returns what it printed and logged.
fn chromium(html: &Path, output: Output<'_>, (w, h): (u32, u32), profile: &Path) -> String {
    let mut cmd = Command::new(CHROMIUM);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
        "--hide-scrollbars",
        // Time for the framed page to post its measurements before the DOM is printed.
        "--virtual-time-budget=10000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .arg(format!("--window-size={w},{h}"));
    match output {
        Output::Screenshot(png) => cmd.arg(format!("--screenshot={}", png.display())),
        Output::Dom => cmd.arg("--dump-dom"),
    };
    let mut child = cmd
        .arg(format!("file://{}", html.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    // Read both pipes on threads: Chromium blocks when a full pipe is not read.
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let read_out =
        std::thread::spawn(move || std::io::read_to_string(&mut out).unwrap_or_default());
    let read_err =
        std::thread::spawn(move || std::io::read_to_string(&mut err).unwrap_or_default());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break status;
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium took over {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let log = read_out.join().unwrap_or_default() + &read_err.join().unwrap_or_default();
    assert!(status.success(), "chromium failed ({status}):\n{log}");
    log
}

/// A line of Chromium's log that reports a console message or an uncaught exception.
fn is_console_message(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    l.contains("uncaught")
        || l.contains(":console")
        || (l.contains("console") && l.contains("error"))
}

/// A directory removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(prefix: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create a temporary directory");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Image {
    width: u32,
    height: u32,
    /// RGB triples, row by row.
    rgb: Vec<[u8; 3]>,
}

struct Ink {
    /// Share of pixels that differ from the most common colour.
    not_background: f64,
    /// Distinct colours.
    colours: usize,
}

/// The ink of the image's first `width` columns (the frame; the window may be wider).
fn ink(image: &Image, width: u32) -> Ink {
    let mut counts = std::collections::HashMap::new();
    let mut total = 0usize;
    for row in image.rgb.chunks(image.width as usize) {
        for px in row.iter().take(width as usize) {
            *counts.entry(*px).or_insert(0usize) += 1;
            total += 1;
        }
    }
    let background = counts.values().copied().max().unwrap_or(0);
    Ink {
        not_background: 1.0 - background as f64 / total.max(1) as f64,
        colours: counts.len(),
    }
}

/// Decodes an 8-bit, non-interlaced RGB or RGBA PNG.
fn decode_png(bytes: &[u8]) -> Result<Image, String> {
    let body = bytes
        .strip_prefix(b"\x89PNG\r\n\x1a\n")
        .ok_or("no PNG signature")?;
    let (mut width, mut height, mut channels) = (0u32, 0u32, 0usize);
    let mut idat = Vec::new();
    let mut rest = body;
    while rest.len() >= 12 {
        let len = u32::from_be_bytes(rest[..4].try_into().expect("4 bytes")) as usize;
        let kind = &rest[4..8];
        let data = rest.get(8..8 + len).ok_or("a chunk runs past the end")?;
        match kind {
            b"IHDR" => {
                width = u32::from_be_bytes(data[..4].try_into().expect("4 bytes"));
                height = u32::from_be_bytes(data[4..8].try_into().expect("4 bytes"));
                let (depth, colour, interlace) = (data[8], data[9], data[12]);
                channels = match (depth, colour, interlace) {
                    (8, 2, 0) => 3,
                    (8, 6, 0) => 4,
                    _ => {
                        return Err(format!(
                            "depth {depth}, colour type {colour}, interlace {interlace}"
                        ));
                    }
                };
            }
            b"IDAT" => idat.extend_from_slice(data),
            b"IEND" => break,
            _ => {}
        }
        rest = &rest[12 + len..];
    }
    if channels == 0 {
        return Err("no IHDR".into());
    }
    let raw = inflate(idat.get(2..).ok_or("no zlib header")?)?;
    let stride = width as usize * channels;
    if raw.len() < (stride + 1) * height as usize {
        return Err(format!(
            "{} bytes of pixels for {width}×{height}",
            raw.len()
        ));
    }
    let mut prev = vec![0u8; stride];
    let mut rgb = Vec::with_capacity(width as usize * height as usize);
    for row in raw.chunks_exact(stride + 1).take(height as usize) {
        let mut line = row[1..].to_vec();
        for i in 0..stride {
            let a = if i >= channels { line[i - channels] } else { 0 };
            let (b, c) = (prev[i], if i >= channels { prev[i - channels] } else { 0 });
            let predicted = match row[0] {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => paeth(a, b, c),
                f => return Err(format!("filter {f}")),
            };
            line[i] = line[i].wrapping_add(predicted);
        }
        rgb.extend(line.chunks_exact(channels).map(|p| [p[0], p[1], p[2]]));
        prev = line;
    }
    Ok(Image { width, height, rgb })
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// Reads a DEFLATE stream bit by bit, least significant bit first.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    buf: u32,
    count: u32,
}

impl Bits<'_> {
    fn take(&mut self, n: u32) -> Result<u32, String> {
        while self.count < n {
            let byte = *self
                .data
                .get(self.pos)
                .ok_or("the deflate stream ends early")?;
            self.pos += 1;
            self.buf |= u32::from(byte) << self.count;
            self.count += 8;
        }
        let v = self.buf & ((1u32 << n) - 1);
        self.buf >>= n;
        self.count -= n;
        Ok(v)
    }
}

/// A canonical Huffman code: how many codes of each length, and the symbols in code order.
struct Huffman {
    counts: [u16; 16],
    symbols: Vec<u16>,
}

impl Huffman {
    fn new(lengths: &[u8]) -> Huffman {
        let mut counts = [0u16; 16];
        for &l in lengths {
            counts[l as usize] += 1;
        }
        counts[0] = 0;
        let mut offsets = [0u16; 16];
        for l in 1..15 {
            offsets[l + 1] = offsets[l] + counts[l];
        }
        let mut symbols = vec![0u16; lengths.len()];
        for (sym, &l) in lengths.iter().enumerate() {
            if l != 0 {
                symbols[offsets[l as usize] as usize] = sym as u16;
                offsets[l as usize] += 1;
            }
        }
        Huffman { counts, symbols }
    }

    fn decode(&self, bits: &mut Bits<'_>) -> Result<u16, String> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..16 {
            code |= bits.take(1)? as i32;
            let count = i32::from(self.counts[len]);
            if code - count < first {
                return Ok(self.symbols[(index + code - first) as usize]);
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        Err("an invalid Huffman code".into())
    }
}

const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// Inflates a raw DEFLATE stream (RFC 1951).
fn inflate(data: &[u8]) -> Result<Vec<u8>, String> {
    let mut bits = Bits {
        data,
        pos: 0,
        buf: 0,
        count: 0,
    };
    let mut out = Vec::new();
    loop {
        let last = bits.take(1)? == 1;
        match bits.take(2)? {
            0 => {
                // Stored: skip to a byte boundary, then LEN, NLEN and LEN bytes.
                bits.buf = 0;
                bits.count = 0;
                let header = data
                    .get(bits.pos..bits.pos + 4)
                    .ok_or("a stored block runs past the end")?;
                let len = usize::from(u16::from_le_bytes([header[0], header[1]]));
                bits.pos += 4;
                out.extend_from_slice(
                    data.get(bits.pos..bits.pos + len)
                        .ok_or("a stored block runs past the end")?,
                );
                bits.pos += len;
            }
            1 => {
                let mut lengths = [8u8; 288];
                lengths[144..256].fill(9);
                lengths[256..280].fill(7);
                codes(
                    &mut bits,
                    &Huffman::new(&lengths),
                    &Huffman::new(&[5u8; 30]),
                    &mut out,
                )?;
            }
            2 => {
                let (lit, dist) = dynamic_tables(&mut bits)?;
                codes(&mut bits, &lit, &dist, &mut out)?;
            }
            _ => return Err("block type 3".into()),
        }
        if last {
            return Ok(out);
        }
    }
}

fn dynamic_tables(bits: &mut Bits<'_>) -> Result<(Huffman, Huffman), String> {
    const ORDER: [usize; 19] = [
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
    ];
    let nlit = bits.take(5)? as usize + 257;
    let ndist = bits.take(5)? as usize + 1;
    let ncode = bits.take(4)? as usize + 4;
    let mut code_lengths = [0u8; 19];
    for &i in &ORDER[..ncode] {
        code_lengths[i] = bits.take(3)? as u8;
    }
    let code = Huffman::new(&code_lengths);
    let mut lengths = Vec::with_capacity(nlit + ndist);
    while lengths.len() < nlit + ndist {
        let (value, repeat) = match code.decode(bits)? {
            sym @ 0..=15 => (sym as u8, 1),
            16 => (
                *lengths.last().ok_or("a repeat with nothing before it")?,
                3 + bits.take(2)?,
            ),
            17 => (0, 3 + bits.take(3)?),
            18 => (0, 11 + bits.take(7)?),
            _ => return Err("an invalid code length symbol".into()),
        };
        lengths.extend(std::iter::repeat_n(value, repeat as usize));
    }
    if lengths.len() != nlit + ndist {
        return Err("code lengths overrun".into());
    }
    Ok((
        Huffman::new(&lengths[..nlit]),
        Huffman::new(&lengths[nlit..]),
    ))
}

fn codes(
    bits: &mut Bits<'_>,
    lit: &Huffman,
    dist: &Huffman,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    loop {
        let sym = lit.decode(bits)? as usize;
        match sym {
            0..=255 => out.push(sym as u8),
            256 => return Ok(()),
            257..=285 => {
                let i = sym - 257;
                let len =
                    usize::from(LENGTH_BASE[i]) + bits.take(u32::from(LENGTH_EXTRA[i]))? as usize;
                let d = dist.decode(bits)? as usize;
                if d >= 30 {
                    return Err("an invalid distance symbol".into());
                }
                let back =
                    usize::from(DIST_BASE[d]) + bits.take(u32::from(DIST_EXTRA[d]))? as usize;
                let start = out
                    .len()
                    .checked_sub(back)
                    .ok_or("a distance before the start")?;
                // The copy may overlap what it writes: byte by byte.
                for k in 0..len {
                    out.push(out[start + k]);
                }
            }
            _ => return Err("an invalid length symbol".into()),
        }
    }
}

#[test]
fn the_png_decoder_reads_a_stored_image() {
    // A 2×1 RGB image in one stored deflate block: filter byte 0, a red pixel, a blue one.
    let pixels = [0u8, 255, 0, 0, 0, 0, 255];
    let mut z = vec![
        0x78,
        0x01,
        0x01,
        pixels.len() as u8,
        0,
        !(pixels.len() as u8),
        0xff,
    ];
    z.extend_from_slice(&pixels);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let chunk = |png: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        png.extend_from_slice(&[0; 4]);
    };
    chunk(&mut png, b"IHDR", &[0, 0, 0, 2, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
    chunk(&mut png, b"IDAT", &z);
    chunk(&mut png, b"IEND", &[]);
    let image = decode_png(&png).expect("decodes");
    assert_eq!((image.width, image.height), (2, 1));
    assert_eq!(image.rgb, [[255, 0, 0], [0, 0, 255]]);
}
