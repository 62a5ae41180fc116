//! Headless outputs over the index: summary, sessions, error groups, export and the
//! support report. Every
//! piece of log text passes through `sanitize` before it is written for a person.

pub mod check;
pub mod errors;
pub mod export;
pub mod fmt;
pub mod history;
pub mod recent;
pub mod scope;
pub mod sessions;
pub mod story;
pub mod summary;
pub mod support;

/// A Markdown report with names, addresses, hosts and tokens masked and a footer saying
/// what was masked; also that summary. The names come from the sessions, the report's own
/// text and, with `learn_lines`, every line's user and host fields (a full pass over the
/// logs: headless `report --redact`, not the explorer's `R`).
pub fn redacted_markdown(index: &crate::model::Index, markdown: &str, learn_lines: bool) -> (String, String) {
    let mut redact = crate::redact::Redactor::for_index(index);
    if learn_lines {
        let all: Vec<u32> = (0..index.len() as u32).collect();
        export::learn(&mut redact, index, &all);
    }
    let mut out = redact.markdown(markdown);
    out.push_str(&redact.markdown_footer());
    (out, redact.summary())
}
