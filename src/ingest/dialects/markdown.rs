//! RTGS Lab Tools execution logs: one Markdown file per operation.
//!
//! The rtgs audit CLI (seed 003) keeps its records in Postgres, but what lands on a user's
//! disk, and in a mailed `logs/` folder, is what its git logger writes: one file per run,
//! `logs/<tool>/<date>_<time>_<source>_<operation>.md`, such as
//!
//! ```text
//! # Visualization Execution Log
//!
//! ## Execution Context
//! - **Timestamp**: 2025-06-10T12:46:02.209821
//! - **Operation**: Create time series plot for …
//! - **Triggered By**: claude via zach@lab-pc
//! - **Hostname**: lab-pc
//! …
//! ## Results Summary
//! - **Status**: ❌ Failed
//! - **Error**: connection timed out
//! …
//! *Log generated automatically by RTGS Lab Tools - visualization*
//! ```
//!
//! The whole file is one event (its record, byte for byte, is the file). Other Markdown
//! files in a folder (a README, the client's notes) are not logs and are skipped.

use super::facts::{Dialect, Facts, Text};
use crate::ingest::time::TimeReader;
use crate::model::Level;

/// How much of a file [`is_execution_log`] looks at.
pub const SNIFF_BYTES: usize = 1024;

/// Whether the start of a Markdown file is an execution log: a `# … Execution Log` title
/// and a `- **Timestamp**:` bullet.
pub fn is_execution_log(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let Some(title) = head.split(|&b| b == b'\n').map(<[u8]>::trim_ascii).find(|l| !l.is_empty()) else {
        return false;
    };
    title.starts_with(b"# ")
        && title.ends_with(b"Execution Log")
        && memchr::memmem::find(head, b"- **Timestamp**:").is_some()
}

/// The facts of one execution log; `None` when it has no readable timestamp.
pub fn facts<'a>(record: &'a [u8], times: &mut TimeReader) -> Option<Facts<'a>> {
    let mut f = Facts { dialect: Some(Dialect::Rtgs), ..Facts::default() };
    let mut section: &[u8] = b"";
    let mut title_tool = None;
    let mut triggered_by = None;
    let mut failed = false;
    for line in record.split(|&b| b == b'\n').map(<[u8]>::trim_ascii) {
        if let Some(name) = line.strip_prefix(b"## ") {
            section = name.trim_ascii();
        } else if let Some(title) = line.strip_prefix(b"# ") {
            title_tool = title_tool.or(title.strip_suffix(b"Execution Log").map(<[u8]>::trim_ascii));
        } else if let Some(tool) = line.strip_prefix(b"*Log generated automatically by RTGS Lab Tools - ") {
            let tool = tool.strip_suffix(b"*").unwrap_or(tool).trim_ascii();
            f.tool = Some(Text::Plain(tool));
        } else if let Some((key, value)) = bullet(line) {
            match (section, key) {
                (b"Execution Context", b"Timestamp") => f.time = times.parse_str(value),
                (b"Execution Context", b"Operation") => f.operation = Some(Text::Plain(value)),
                (b"Execution Context", b"Triggered By") => triggered_by = Some(value),
                (b"Execution Context", b"Hostname") => f.host = Some(Text::Plain(value)),
                (b"Execution Context", b"Platform") => f.platform = Some(Text::Plain(value)),
                (b"Results Summary", b"Status") => {
                    failed = value.starts_with("❌".as_bytes()) || value.ends_with(b"Failed");
                    f.success = Some(!failed);
                }
                (b"Results Summary", b"Error" | b"Error Message") => f.error_message = Some(Text::Plain(value)),
                _ => {}
            }
        }
    }
    f.time?;
    if f.tool.is_none() {
        f.tool = title_tool.filter(|t| !t.is_empty()).map(Text::Plain);
    }
    f.user = triggered_by.map(user_of).filter(|u| !u.is_empty()).map(Text::Plain);
    let has_error = f.error_message.is_some_and(|e| !e.is_empty() && e.raw() != b"None");
    f.level = if failed || has_error { Level::Error } else { Level::Info };
    f.category = f.tool;
    Some(f)
}

/// `- **Key**: value` → (`Key`, `value`).
fn bullet(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let rest = line.strip_prefix(b"- **")?;
    let close = memchr::memmem::find(rest, b"**:")?;
    Some((&rest[..close], rest[close + 3..].trim_ascii()))
}

/// The person behind `Triggered By`: `zach@host` → `zach`; `claude via zach@host` → `zach`
/// (the account the assistant ran under); a bare GitHub actor stays as it is.
fn user_of(triggered_by: &[u8]) -> &[u8] {
    let who = match memchr::memmem::rfind(triggered_by, b" via ") {
        Some(at) => &triggered_by[at + 5..],
        None => triggered_by,
    };
    let who = match memchr::memchr(b'@', who) {
        Some(at) => &who[..at],
        None => who,
    };
    who.trim_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::time::Zone;

    const FAILED: &str = "# Data-Extraction Execution Log\n\n## Execution Context\n\
        - **Timestamp**: 2025-06-10T12:46:02.209821\n\
        - **Operation**: Extract data for project Winter Turf - v3\n\
        - **Execution Source**: LLM/MCP\n\
        - **Triggered By**: claude via zach@lab-pc\n\
        - **Hostname**: lab-pc\n\
        - **Platform**: Linux-6.11.0-25-generic-x86_64\n\n\
        ## Parameters\n- **Status**: not the result\n\n\
        ## Results Summary\n- **Status**: ❌ Failed\n- **Duration**: 3.2s\n\
        - **Error**: connection to gems database timed out\n\n\
        ---\n*Log generated automatically by RTGS Lab Tools - data-extraction*\n";

    fn text(t: Option<Text<'_>>) -> String {
        t.map(|t| t.text().into_owned()).unwrap_or_default()
    }

    #[test]
    fn reads_a_failed_run() {
        let mut times = TimeReader::new(Zone::Utc);
        let f = facts(FAILED.as_bytes(), &mut times).expect("an execution log");
        assert_eq!(f.time, times.parse_str(b"2025-06-10T12:46:02.209"));
        assert_eq!(f.level, Level::Error);
        assert_eq!(f.success, Some(false));
        assert_eq!(text(f.tool), "data-extraction");
        assert_eq!(text(f.category), "data-extraction");
        assert_eq!(text(f.operation), "Extract data for project Winter Turf - v3");
        assert_eq!(text(f.user), "zach");
        assert_eq!(text(f.host), "lab-pc");
        assert_eq!(text(f.error_message), "connection to gems database timed out");
        assert_eq!(f.dialect, Some(Dialect::Rtgs));
    }

    #[test]
    fn a_success_is_info_and_the_title_names_the_tool_when_the_footer_is_missing() {
        let ok = FAILED
            .replace("❌ Failed", "✅ Success")
            .replace("- **Error**: connection to gems database timed out\n", "")
            .replace("*Log generated automatically by RTGS Lab Tools - data-extraction*\n", "");
        let f = facts(ok.as_bytes(), &mut TimeReader::new(Zone::Utc)).expect("an execution log");
        assert_eq!(f.level, Level::Info);
        assert_eq!(f.success, Some(true));
        assert_eq!(text(f.tool), "Data-Extraction");
    }

    #[test]
    fn users_behind_triggered_by() {
        assert_eq!(user_of(b"zach@lab-pc"), b"zach");
        assert_eq!(user_of(b"claude via zach@lab-pc"), b"zach");
        assert_eq!(user_of(b"zradlicz"), b"zradlicz");
    }

    #[test]
    fn only_execution_logs_are_logs() {
        assert!(is_execution_log(FAILED.as_bytes()));
        assert!(is_execution_log(format!("\u{feff}\n{FAILED}").as_bytes()));
        assert!(!is_execution_log(b"# Notes from the call\n\n- **Timestamp**: yesterday\n"));
        assert!(!is_execution_log(b"# Visualization Execution Log\n\nno context here\n"));
        assert!(!is_execution_log(b""));
    }

    #[test]
    fn without_a_timestamp_it_is_not_an_event() {
        let broken = FAILED.replace("- **Timestamp**: 2025-06-10T12:46:02.209821\n", "- **Timestamp**: soon\n");
        assert!(facts(broken.as_bytes(), &mut TimeReader::new(Zone::Utc)).is_none());
    }
}
