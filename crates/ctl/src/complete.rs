//! Tab completion as 4.3's `Controller.complete`: command names, group names after
//! `add`/`remove`/`update`, process names (`name`, `group:name`, `group:*`) after the
//! process commands. Process information is fetched once and reused until the next command.

use crate::rpc::Client;
use crate::value::{items, member_str};

/// readline's word delimiters as 4.3 sets them (Python's defaults less `:`, `*` and `-`).
pub const DELIMITERS: &str = " \t\n`~!@#$%^&()=+[{]}\\|;'\",<>/?";

/// `(group, name)` of every process, fetched on demand from the daemon.
#[derive(Debug)]
pub struct CompletionCache {
    client: Client,
    infos: Option<Vec<(String, String)>>,
}

impl CompletionCache {
    /// A cache that asks `client`.
    pub fn new(client: Client) -> Self {
        CompletionCache {
            client,
            infos: None,
        }
    }

    /// A cache holding fixed names (tests).
    pub fn with_infos(client: Client, infos: Vec<(String, String)>) -> Self {
        CompletionCache {
            client,
            infos: Some(infos),
        }
    }

    /// Forget the fetched names (every command does, as in 4.3).
    pub fn invalidate(&mut self) {
        self.infos = None;
    }

    /// Ask another server from now on (`open`, new credentials).
    pub fn set_client(&mut self, client: Client) {
        self.client = client;
        self.infos = None;
    }

    /// `_get_complete_info()`; an unreachable daemon completes nothing (readline swallows
    /// the completer's exceptions).
    fn infos(&mut self) -> &[(String, String)] {
        if self.infos.is_none() {
            let fetched = self
                .client
                .call("supervisor.getAllProcessInfo", vec![])
                .ok()
                .and_then(|v| {
                    let list = items(&v).ok()?;
                    list.into_iter()
                        .map(|i| Some((member_str(i, "group").ok()?, member_str(i, "name").ok()?)))
                        .collect::<Option<Vec<_>>>()
                });
            match fetched {
                Some(infos) => self.infos = Some(infos),
                None => return &[],
            }
        }
        self.infos.as_deref().unwrap_or(&[])
    }
}

/// Where the word under completion starts in `line` (cursor at `pos`).
pub fn word_start(line: &str, pos: usize) -> usize {
    let pos = pos.min(line.len());
    line[..pos]
        .char_indices()
        .rev()
        .find(|(_, c)| DELIMITERS.contains(*c))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// The completions of `text` (the word under the cursor) for the whole `line`, each with
/// a trailing space, in 4.3's order.
pub fn complete(line: &str, text: &str, cache: &mut CompletionCache) -> Vec<String> {
    let words = crate::text::py_split(line);
    let Some(action) = words.first() else {
        return actions(text);
    };
    if words.len() == 1 && !line.ends_with(' ') {
        actions(text)
    } else if "help".contains(action) {
        // 4.3 tests `action in ('help')`: a substring test on the string "help"
        actions(text)
    } else if ["add", "remove", "update"].contains(action) {
        let mut groups: Vec<&str> = Vec::new();
        for (g, _) in cache.infos() {
            if !groups.contains(&g.as_str()) {
                groups.push(g);
            }
        }
        groups
            .into_iter()
            .filter(|g| g.starts_with(text))
            .map(|g| format!("{g} "))
            .collect()
    } else if [
        "clear", "fg", "pid", "restart", "signal", "start", "status", "stop", "tail",
    ]
    .contains(action)
    {
        let mut names: Vec<String> = Vec::new();
        for (g, n) in cache.infos() {
            if text.contains(':') || n != g {
                names.push(format!("{g}:{n}"));
                let star = format!("{g}:*");
                if !names.contains(&star) {
                    names.push(star);
                }
            } else {
                names.push(n.clone());
            }
        }
        names
            .into_iter()
            .filter(|p| p.starts_with(text))
            .map(|p| format!("{p} "))
            .collect()
    } else {
        Vec::new()
    }
}

/// `_complete_actions`: the vocabulary (`help` first, then the plugin's commands).
fn actions(text: &str) -> Vec<String> {
    std::iter::once("help")
        .chain(crate::help::COMMANDS.iter().copied())
        .filter(|a| a.starts_with(text))
        .map(|a| format!("{a} "))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache() -> CompletionCache {
        let infos = [("cat", "cat"), ("grp", "ga"), ("grp", "gb"), ("x", "x")]
            .iter()
            .map(|(g, n)| (g.to_string(), n.to_string()))
            .collect();
        CompletionCache::with_infos(Client::new("unix:///nonexistent", None, None), infos)
    }

    #[test]
    fn commands_groups_processes() {
        let mut c = cache();
        assert_eq!(complete("", "", &mut c).len(), 23);
        assert_eq!(complete("sta", "sta", &mut c), ["start ", "status "]);
        assert_eq!(complete("he", "he", &mut c), ["help ", "help "]);
        assert_eq!(
            complete("help st", "st", &mut c),
            ["start ", "status ", "stop "]
        );
        assert_eq!(complete("add ", "", &mut c), ["cat ", "grp ", "x "]);
        assert_eq!(
            complete("start ", "", &mut c),
            ["cat ", "grp:ga ", "grp:* ", "grp:gb ", "x "]
        );
        assert_eq!(complete("stop c", "c", &mut c), ["cat "]);
        assert_eq!(
            complete("stop cat:", "cat:", &mut c),
            ["cat:cat ", "cat:* "]
        );
        assert_eq!(complete("version ", "", &mut c), Vec::<String>::new());
        // "e" is a substring of "help"
        assert_eq!(complete("e ", "", &mut c).len(), 23);
    }

    #[test]
    fn word_boundaries() {
        assert_eq!(word_start("start grp:g", 11), 6);
        assert_eq!(word_start("start", 5), 0);
        assert_eq!(word_start("tail -f x-y", 11), 8);
    }

    #[test]
    fn unreachable_daemon_completes_nothing() {
        let mut c = CompletionCache::new(Client::new("unix:///nonexistent/sock", None, None));
        assert!(complete("start ", "", &mut c).is_empty());
    }
}
