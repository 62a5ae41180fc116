//! Narrowing a report to a window of time or to one user: the selections the headless
//! commands hand to the reports. Windows count back from the newest event in the bundle,
//! never from the wall clock: the logs a client mails are days or weeks old.

use crate::model::Index;

pub const MINUTE_MS: i64 = 60_000;
pub const DAY_MS: i64 = 86_400_000;

/// The newest time in the bundle: what `--days` and `--minutes` count back from.
pub fn newest(index: &Index) -> Option<i64> {
    index.span().map(|(_, last)| last)
}

/// The window of `span_ms` up to the newest event, both ends included.
pub fn last(index: &Index, span_ms: i64) -> Option<(i64, i64)> {
    newest(index).map(|to| (to.saturating_sub(span_ms), to))
}

/// The ids of `selected` (every event when `None`) whose time is in `from..=to`, sorted.
pub fn in_window(index: &Index, selected: Option<&[u32]>, from: i64, to: i64) -> Vec<u32> {
    let inside = |t: i64| t >= from && t <= to;
    match selected {
        Some(ids) => {
            ids.iter().copied().filter(|&i| index.event(i as usize).is_some_and(|e| inside(e.time()))).collect()
        }
        None => {
            let mut out = Vec::new();
            index.store.for_each(0..index.len(), |i, e| {
                if inside(e.time()) {
                    out.push(i as u32);
                }
            });
            out
        }
    }
}

/// The sessions whose user is `name` (any case), with the user's name as the log spells it.
pub fn sessions_of_user(index: &Index, name: &str) -> (Vec<u32>, Option<String>) {
    let want = name.trim().to_lowercase();
    let mut spelled = None;
    let ids: Vec<u32> = index
        .listed_sessions()
        .filter(|(_, s)| !s.user.is_empty() && s.user.to_lowercase() == want)
        .map(|(id, s)| {
            spelled.get_or_insert_with(|| s.user.clone());
            id
        })
        .collect();
    (ids, spelled)
}

/// The ids of `selected` (every event when `None`) in one of `sessions` (sorted).
pub fn in_sessions(index: &Index, selected: Option<&[u32]>, sessions: &[u32]) -> Vec<u32> {
    let wanted = |sid: u32| sessions.binary_search(&sid).is_ok();
    match selected {
        Some(ids) => {
            ids.iter().copied().filter(|&i| index.event(i as usize).is_some_and(|e| wanted(e.session()))).collect()
        }
        None => {
            let mut out = Vec::new();
            index.store.for_each(0..index.len(), |i, e| {
                if wanted(e.session()) {
                    out.push(i as u32);
                }
            });
            out
        }
    }
}

/// Every user named by a session, sorted, each once.
pub fn users(index: &Index) -> Vec<String> {
    let mut users: Vec<String> =
        index.listed_sessions().map(|(_, s)| s.user.clone()).filter(|u| !u.is_empty()).collect();
    users.sort_unstable();
    users.dedup();
    users
}
