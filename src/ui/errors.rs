//! The errors view's state: every error group, biggest first, with its occurrences per
//! day, so "which errors, how often, in how many sessions, for how many users" is one key.
//! Built once when the view opens (or the index changes), never while drawing.

use crate::ingest::time::Zone;
use crate::model::Index;

/// Days since the epoch, in `zone`, of a UTC instant.
fn day_of(ms: i64, zone: Zone) -> i64 {
    (ms + i64::from(zone.offset_at(ms)) * 1000).div_euclid(86_400_000)
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorsView {
    pub open: bool,
    /// Indices into `index.groups`, biggest first (ties: most recent first).
    pub groups: Vec<u32>,
    pub cursor: usize,
    pub top: usize,
    /// The first day of the log's span (days since the epoch, display zone) and how many
    /// days it covers: the columns of every sparkline.
    pub first_day: i64,
    pub days: usize,
    /// Occurrences per day of each listed group (same order as `groups`).
    pub per_day: Vec<Vec<u32>>,
}

impl ErrorsView {
    /// The groups of `index`, with per-day counts over the log's span in `zone`, the cursor
    /// on the group with fingerprint `keep` when it is listed.
    pub fn build(index: &Index, zone: Zone, keep: Option<u64>) -> ErrorsView {
        let mut groups: Vec<u32> = (0..index.groups.len() as u32).collect();
        groups.sort_by(|&a, &b| {
            let (a, b) = (&index.groups[a as usize], &index.groups[b as usize]);
            b.count.cmp(&a.count).then(b.last.cmp(&a.last)).then(a.title.cmp(&b.title))
        });
        let (start, end) = index.span().unwrap_or((0, 0));
        let first_day = day_of(start, zone);
        let days = (day_of(end, zone) - first_day + 1).clamp(1, 100_000) as usize;
        let per_day = groups
            .iter()
            .map(|&g| {
                let mut counts = vec![0u32; days];
                for &id in &index.groups[g as usize].occurrences {
                    if let Some(e) = index.event(id as usize) {
                        let d = (day_of(e.time(), zone) - first_day).clamp(0, days as i64 - 1) as usize;
                        counts[d] = counts[d].saturating_add(1);
                    }
                }
                counts
            })
            .collect();
        let cursor =
            keep.and_then(|fp| groups.iter().position(|&g| index.groups[g as usize].fingerprint == fp)).unwrap_or(0);
        ErrorsView { open: false, groups, cursor, top: 0, first_day, days, per_day }
    }

    /// The selected group's index in `index.groups`.
    pub fn selected(&self) -> Option<u32> {
        self.groups.get(self.cursor).copied()
    }

    /// The selected group's fingerprint, to find it again in a rebuilt index.
    pub fn selected_fingerprint(&self, index: &Index) -> Option<u64> {
        self.selected().and_then(|g| index.groups.get(g as usize)).map(|g| g.fingerprint)
    }
}

/// A sparkline of `counts` in `width` cells: each cell sums `counts.len() / width` days
/// (rounded up), scaled to the busiest cell; any occurrence shows at least the lowest bar.
pub fn sparkline(counts: &[u32], width: usize, bars: &[char; 9]) -> (String, usize) {
    if counts.is_empty() || width == 0 {
        return (String::new(), 1);
    }
    let per_cell = counts.len().div_ceil(width);
    let cells: Vec<u64> = counts.chunks(per_cell).map(|c| c.iter().map(|&n| u64::from(n)).sum()).collect();
    let max = cells.iter().copied().max().unwrap_or(0).max(1);
    let line = cells
        .iter()
        .map(|&n| if n == 0 { bars[0] } else { bars[((n * 8).div_ceil(max)).clamp(1, 8) as usize] })
        .collect();
    (line, per_cell)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BARS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

    #[test]
    fn sparkline_scales_to_the_busiest_day_and_shows_any_occurrence() {
        assert_eq!(sparkline(&[0, 1, 8, 0], 10, &BARS), (" ▁█ ".to_string(), 1));
        assert_eq!(sparkline(&[100, 1], 10, &BARS), ("█▁".to_string(), 1));
    }

    #[test]
    fn sparkline_folds_days_into_cells_when_narrow() {
        // 6 days in 3 cells: two days per cell.
        assert_eq!(sparkline(&[1, 1, 0, 0, 4, 0], 3, &BARS), ("▄ █".to_string(), 2));
        // 7 days in 3 cells: three per cell, the last one short.
        assert_eq!(sparkline(&[1, 0, 0, 0, 0, 0, 1], 3, &BARS), ("█ █".to_string(), 3));
    }

    #[test]
    fn days_are_counted_in_the_display_zone() {
        let zone = Zone::parse("+05:00").expect("zone");
        // 2026-05-17T20:00Z is already the 18th at +05:00.
        let ms = 1_779_048_000_000;
        assert_eq!(day_of(ms, zone) - day_of(ms, Zone::Utc), 1);
    }
}
