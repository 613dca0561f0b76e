//! For any write sizes and policy, the files on disk hold exactly the bytes the
//! rotation rule says survive: nothing lost, nothing duplicated.

use proptest::prelude::*;

use logrotate::Written;

use crate::util::{backup_contents, contents, log_in_tempdir, open};

/// Byte `offset` of everything ever written: a little-endian running u32 counter,
/// so any 8 consecutive bytes identify their position.
fn stream(range: std::ops::Range<u64>) -> Vec<u8> {
    range
        .map(|offset| ((offset / 4) as u32).to_le_bytes()[(offset % 4) as usize])
        .collect()
}

/// Offsets of the live file and of the closed segments (oldest first), computed
/// from the rule alone: after each write, a segment of >= max_bytes is closed.
struct Model {
    closed: Vec<std::ops::Range<u64>>,
    live_start: u64,
    end: u64,
}

fn model(writes: &[usize], max_bytes: u64) -> Model {
    let mut m = Model {
        closed: Vec::new(),
        live_start: 0,
        end: 0,
    };
    for &n in writes {
        m.end += n as u64;
        if max_bytes > 0 && m.end - m.live_start >= max_bytes {
            m.closed.push(m.live_start..m.end);
            m.live_start = m.end;
        }
    }
    m
}

proptest! {
    #[test]
    fn surviving_bytes_are_exactly_the_written_suffix(
        writes in proptest::collection::vec(0usize..5000, 0..40),
        max_bytes in 0u64..10_000,
        backups in 0u32..5,
    ) {
        let (_dir, path) = log_in_tempdir();
        let mut log = open(&path, max_bytes, backups);
        let mut offset = 0u64;
        let mut rotations = 0usize;
        for &n in &writes {
            let chunk = stream(offset..offset + n as u64);
            offset += n as u64;
            if log.write(&chunk).expect("write") == Written::Rotated {
                rotations += 1;
            }
        }

        let m = model(&writes, max_bytes);
        prop_assert_eq!(rotations, m.closed.len());
        let live = contents(&path).expect("live file exists");
        prop_assert_eq!(&live, &stream(m.live_start..m.end));
        prop_assert_eq!(log.size(), live.len() as u64);

        // Backups, newest (.1) first, match the newest closed segments.
        let kept = m.closed.len().min(backups as usize);
        for k in 1..=kept {
            let segment = m.closed[m.closed.len() - k].clone();
            prop_assert_eq!(backup_contents(&path, k as u32), Some(stream(segment)));
        }
        prop_assert_eq!(backup_contents(&path, kept as u32 + 1), None);

        // Highest backup .. .1, then the live file: one contiguous suffix of the stream.
        let mut joined = Vec::new();
        for k in (1..=kept as u32).rev() {
            joined.extend(backup_contents(&path, k).expect("backup exists"));
        }
        joined.extend(live);
        let survivors_start = if kept == 0 {
            m.live_start
        } else {
            m.closed[m.closed.len() - kept].start
        };
        prop_assert_eq!(&joined, &stream(survivors_start..m.end));
        if m.closed.len() <= backups as usize {
            // Enough backups: every byte written is on disk exactly once.
            prop_assert_eq!(joined, stream(0..m.end));
        }
    }
}
