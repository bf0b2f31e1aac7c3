//! A memory estimate before Monte Carlo: a run that would need more memory than the machine
//! has available is refused up front with a clear error, instead of being killed (or
//! thrashing) hours in.
//!
//! The estimate is samples × what the evaluator keeps per sample
//! ([`scn_eval::bytes_per_sample`]); what a run needs besides does not grow with the samples.

/// Checks a Monte Carlo run against the memory the machine has available now; the error
/// says what was asked, what it needs and what there is.
pub fn check_samples(samples: u64, ev: &scn_eval::Evaluation) -> Result<(), String> {
    check_runs(samples, &[ev], false)
}

/// As [`check_samples`], for runs of several evaluations held at once (`scn diff` samples
/// both versions), each keeping its rows when `keep_rows` (`scn sens`, `scn voi`).
pub fn check_runs(
    samples: u64,
    evs: &[&scn_eval::Evaluation],
    keep_rows: bool,
) -> Result<(), String> {
    let per_sample = evs
        .iter()
        .map(|ev| scn_eval::bytes_per_sample(ev, keep_rows))
        .fold(0u64, u64::saturating_add);
    match available() {
        Some(avail) => check(samples, per_sample, avail),
        None => Ok(()),
    }
}

/// Most path × metric values a JSON report may hold (about a gigabyte of output). The format
/// lists every metric on every path, so a 5 MB file of 100,000 metrics and 100,000 leaves
/// asks for 10^10 of them — hundreds of gigabytes and hours — where the formats for people,
/// which show the likeliest paths, take a second.
pub const MAX_JSON_PATH_VALUES: u64 = 50_000_000;

/// Checks that a JSON report of this evaluation has a size a program can read.
pub fn check_json_report(ev: &scn_eval::Evaluation) -> Result<(), String> {
    let paths = ev.leaves().len() as u64;
    let metrics = ev.model().metrics.len() as u64;
    let values = paths.saturating_mul(metrics);
    if values <= MAX_JSON_PATH_VALUES {
        return Ok(());
    }
    Err(format!(
        "the JSON report would list {values} path metric values ({paths} paths × {metrics} metrics), more than the {MAX_JSON_PATH_VALUES} a report may hold"
    ))
}

fn check(samples: u64, per_sample: u64, available: u64) -> Result<(), String> {
    let per_sample = per_sample.max(1);
    let need = samples.saturating_mul(per_sample);
    if need <= available {
        return Ok(());
    }
    Err(format!(
        "{samples} samples need at least {} of memory ({per_sample} bytes per sample), more than the {} available",
        size(need),
        size(available)
    ))
}

/// `MemAvailable` of `/proc/meminfo`, in bytes, or less under an address-space limit
/// (`ulimit -v`), which an allocation meets first: past it the process aborts rather than
/// reporting. `None` where there is no such file.
fn available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let mem = parse_meminfo(&text)?;
    let room = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|l| parse_address_limit(&l))
        .map(|limit| {
            let used = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| parse_vm_size(&s))
                .unwrap_or(0);
            limit.saturating_sub(used)
        });
    Some(room.map_or(mem, |r| r.min(mem)))
}

/// The soft "Max address space" of `/proc/self/limits`, in bytes; `None` when unlimited.
fn parse_address_limit(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("Max address space"))?;
    line.trim_start_matches("Max address space")
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// `VmSize` of `/proc/self/status`, in bytes.
fn parse_vm_size(text: &str) -> Option<u64> {
    kib_field(text, "VmSize:")
}

fn parse_meminfo(text: &str) -> Option<u64> {
    kib_field(text, "MemAvailable:")
}

/// The `NAME:   1234 kB` line of a `/proc` file, in bytes.
fn kib_field(text: &str, name: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(name))?;
    let kib: u64 = line
        .trim_start_matches(name)
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib.saturating_mul(1024))
}

fn size(bytes: u64) -> String {
    const GIB: f64 = (1u64 << 30) as f64;
    const MIB: f64 = (1u64 << 20) as f64;
    let b = bytes as f64;
    if b >= GIB {
        format!("{:.1} GiB", b / GIB)
    } else {
        format!("{:.0} MiB", (b / MIB).ceil())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_mem_available() {
        let text = "MemTotal:       24576000 kB\nMemFree:  100 kB\nMemAvailable:   20000000 kB\n";
        assert_eq!(parse_meminfo(text), Some(20_000_000 * 1024));
        assert_eq!(parse_meminfo("MemTotal: 1 kB\n"), None);
    }

    #[test]
    fn reads_the_address_space_limit_and_size() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units     \n\
                      Max stack size            8388608              unlimited            bytes     \n\
                      Max address space         4096000000           unlimited            bytes     \n";
        assert_eq!(parse_address_limit(limits), Some(4_096_000_000));
        let unlimited =
            "Max address space         unlimited            unlimited            bytes\n";
        assert_eq!(parse_address_limit(unlimited), None);
        assert_eq!(
            parse_vm_size("Name:\tscn\nVmPeak:\t  9 kB\nVmSize:\t 3217600 kB\n"),
            Some(3_217_600 * 1024)
        );
    }

    #[test]
    fn refuses_beyond_what_is_available() {
        // 1e9 samples × 40 bytes = 40 GB against 24 GiB.
        let err = check(1_000_000_000, 40, 24 << 30).unwrap_err();
        assert_eq!(
            err,
            "1000000000 samples need at least 37.3 GiB of memory (40 bytes per sample), more than the 24.0 GiB available"
        );
        assert!(check(1_000_000, 40, 24 << 30).is_ok());
        assert!(check(u64::MAX, u64::MAX, u64::MAX - 1).is_err());
    }
}
