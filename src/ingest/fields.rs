//! Field aliases: which JSON keys (or CSV columns) mean time, level, message, session...
//!
//! One table for every dialect, so DataTools, tool_audit, rtgs, the repricing CSV and the
//! common JSON loggers (pino, bunyan, structlog, python-json-logger, logstash/ECS, zap,
//! tracing, Serilog CLEF) all open with zero configuration. Lower priority numbers win when
//! a line carries two aliases of the same field (`message` beats `msg` beats `event`).

/// A normalised role a key can play.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Time,
    Level,
    Message,
    Category,
    Session,
    User,
    Host,
    Pid,
    Platform,
    ErrorType,
    ErrorMessage,
    Stack,
    Status,
    Success,
    Tool,
    Operation,
    /// The call's arguments (tool_audit `args`, rtgs `parameters`): shown in composed messages.
    Args,
    /// A short excerpt of the result (tool_audit `result_snippet`): says why a call failed.
    Snippet,
}

/// Keys whose object value is looked into for more roles (`fields.message`, `log.level`,
/// `err.type`, `results.success`, ECS `user.name`...).
pub fn is_container(key: &[u8]) -> bool {
    matches!(
        lower::<16>(key).as_deref(),
        Some(
            b"fields"
                | b"log"
                | b"err"
                | b"error"
                | b"exception"
                | b"results"
                | b"user"
                | b"host"
                | b"process"
                | b"session"
                | b"service"
                | b"event"
        )
    )
}

/// The role of a key (a dotted path for nested keys, e.g. `log.level`), with its priority.
pub fn role_of(key: &[u8]) -> Option<(Role, u8)> {
    let k = lower::<40>(key)?;
    let k: &[u8] = &k;
    use Role::*;
    Some(match k {
        b"ts" | b"timestamp" | b"@timestamp" | b"time" => (Time, 0),
        b"@t" | b"datetime" | b"date_time" | b"asctime" | b"eventtime" | b"event_time" | b"logtime" | b"log_time"
        | b"timegenerated" | b"time_local" => (Time, 1),
        b"date" | b"created" | b"created_at" | b"timestamp_utc" => (Time, 2),

        b"level" | b"severity" | b"levelname" | b"log.level" | b"log_level" | b"loglevel" => (Level, 0),
        b"lvl" | b"@l" | b"level_name" | b"severity_text" | b"severitytext" | b"@level" => (Level, 1),

        b"message" | b"msg" => (Message, 0),
        b"fields.message" | b"@m" | b"@message" | b"log.message" => (Message, 1),
        b"event" => (Message, 2),
        b"@mt" | b"text" => (Message, 3),

        b"category" => (Category, 0),
        b"logger" | b"logger_name" | b"target" | b"log.logger" | b"channel" => (Category, 1),
        b"tool" | b"tool_name" | b"script" => (Category, 2),
        b"component" | b"module" | b"service.name" | b"app" | b"application" => (Category, 3),
        b"name" => (Category, 4),

        b"session" | b"session_id" | b"sessionid" | b"session.id" => (Session, 0),

        b"user" | b"username" | b"user_name" | b"user.name" | b"usr" | b"userid" | b"user_id" => (User, 0),
        b"user.id" | b"actor" | b"login" => (User, 1),

        b"hostname" | b"host" | b"host.name" | b"host.hostname" | b"computer" | b"machine" => (Host, 0),

        b"pid" | b"process.pid" | b"process_id" | b"processid" => (Pid, 0),

        b"platform" | b"os" => (Platform, 0),

        b"exc_type" | b"error.type" | b"err.type" | b"exception.type" | b"error_type" | b"exception_type"
        | b"err.name" | b"error.kind" | b"exc_class" => (ErrorType, 0),

        b"exc_message" | b"error.message" | b"err.message" | b"exception.message" | b"error_message"
        | b"exception_message" | b"errormessage" => (ErrorMessage, 0),
        b"error" | b"err" => (ErrorMessage, 1),

        b"stack"
        | b"stack_trace"
        | b"stacktrace"
        | b"err.stack"
        | b"error.stack_trace"
        | b"error.stack"
        | b"exception.stacktrace"
        | b"exc_info"
        | b"traceback"
        | b"@x" => (Stack, 0),
        b"exception" => (Stack, 1),

        b"status" => (Status, 0),
        b"outcome" | b"event.outcome" => (Status, 1),

        b"success" | b"results.success" => (Success, 0),

        b"operation" | b"op" | b"action" => (Operation, 0),

        b"args" | b"parameters" | b"params" | b"arguments" => (Args, 0),
        b"result_snippet" | b"snippet" | b"result" => (Snippet, 0),

        _ => return None,
    })
    .map(|(role, prio)| match (role, k) {
        // A second view of the same key: `tool` names the category *and* the tool column.
        (Category, b"tool" | b"tool_name") => (Tool, prio),
        _ => (role, prio),
    })
}

/// Lower-cases a short ASCII key into a stack buffer; longer keys have no role.
fn lower<const N: usize>(key: &[u8]) -> Option<LowerKey<N>> {
    if key.len() > N {
        return None;
    }
    let mut buf = [0u8; N];
    for (d, s) in buf.iter_mut().zip(key) {
        *d = s.to_ascii_lowercase();
    }
    Some(LowerKey { buf, len: key.len() })
}

struct LowerKey<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> std::ops::Deref for LowerKey<N> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_aliases_map_to_roles() {
        assert_eq!(role_of(b"ts"), Some((Role::Time, 0)));
        assert_eq!(role_of(b"@timestamp"), Some((Role::Time, 0)));
        assert_eq!(role_of(b"Timestamp"), Some((Role::Time, 0)));
        assert_eq!(role_of(b"levelname"), Some((Role::Level, 0)));
        assert_eq!(role_of(b"log.level"), Some((Role::Level, 0)));
        assert_eq!(role_of(b"msg"), Some((Role::Message, 0)));
        assert_eq!(role_of(b"event"), Some((Role::Message, 2)));
        assert_eq!(role_of(b"fields.message"), Some((Role::Message, 1)));
        assert_eq!(role_of(b"tool"), Some((Role::Tool, 2)));
        assert_eq!(role_of(b"Script"), Some((Role::Category, 2)));
        assert_eq!(role_of(b"session_id"), Some((Role::Session, 0)));
        assert_eq!(role_of(b"exc_type"), Some((Role::ErrorType, 0)));
        assert_eq!(role_of(b"filename"), None);
        assert_eq!(role_of(&[b'x'; 100]), None);
    }

    #[test]
    fn containers_are_recognised() {
        assert!(is_container(b"fields") && is_container(b"ERR") && !is_container(b"args"));
    }
}
