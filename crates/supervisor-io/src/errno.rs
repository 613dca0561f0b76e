//! Errno names exactly as supervisord prints them.
//!
//! supervisord renders an OS error as `errno.errorcode.get(code, code)`: the symbolic
//! name from Python's `errno` module, or the bare number when Python has no name for it.
//! Python's table differs from the usual libc/nix spelling for two codes on Linux
//! (35 is `EDEADLOCK`, not `EDEADLK`; 95 is `ENOTSUP`, not `EOPNOTSUPP`) and lacks
//! 133 (`EHWPOISON`), so the table below is copied from Python 3.11 rather than derived
//! from `nix::errno::Errno`'s `Debug` output.
//!
//! The lookup is allocation-free: the forked child uses it between `fork` and `execve`.

/// `errno.errorcode` of CPython 3.11 on Linux, generated with
/// `python -c 'import errno; print(sorted(errno.errorcode.items()))'`.
const ERRORCODE: &[(i32, &str)] = &[
    (1, "EPERM"),
    (2, "ENOENT"),
    (3, "ESRCH"),
    (4, "EINTR"),
    (5, "EIO"),
    (6, "ENXIO"),
    (7, "E2BIG"),
    (8, "ENOEXEC"),
    (9, "EBADF"),
    (10, "ECHILD"),
    (11, "EAGAIN"),
    (12, "ENOMEM"),
    (13, "EACCES"),
    (14, "EFAULT"),
    (15, "ENOTBLK"),
    (16, "EBUSY"),
    (17, "EEXIST"),
    (18, "EXDEV"),
    (19, "ENODEV"),
    (20, "ENOTDIR"),
    (21, "EISDIR"),
    (22, "EINVAL"),
    (23, "ENFILE"),
    (24, "EMFILE"),
    (25, "ENOTTY"),
    (26, "ETXTBSY"),
    (27, "EFBIG"),
    (28, "ENOSPC"),
    (29, "ESPIPE"),
    (30, "EROFS"),
    (31, "EMLINK"),
    (32, "EPIPE"),
    (33, "EDOM"),
    (34, "ERANGE"),
    (35, "EDEADLOCK"),
    (36, "ENAMETOOLONG"),
    (37, "ENOLCK"),
    (38, "ENOSYS"),
    (39, "ENOTEMPTY"),
    (40, "ELOOP"),
    (42, "ENOMSG"),
    (43, "EIDRM"),
    (44, "ECHRNG"),
    (45, "EL2NSYNC"),
    (46, "EL3HLT"),
    (47, "EL3RST"),
    (48, "ELNRNG"),
    (49, "EUNATCH"),
    (50, "ENOCSI"),
    (51, "EL2HLT"),
    (52, "EBADE"),
    (53, "EBADR"),
    (54, "EXFULL"),
    (55, "ENOANO"),
    (56, "EBADRQC"),
    (57, "EBADSLT"),
    (59, "EBFONT"),
    (60, "ENOSTR"),
    (61, "ENODATA"),
    (62, "ETIME"),
    (63, "ENOSR"),
    (64, "ENONET"),
    (65, "ENOPKG"),
    (66, "EREMOTE"),
    (67, "ENOLINK"),
    (68, "EADV"),
    (69, "ESRMNT"),
    (70, "ECOMM"),
    (71, "EPROTO"),
    (72, "EMULTIHOP"),
    (73, "EDOTDOT"),
    (74, "EBADMSG"),
    (75, "EOVERFLOW"),
    (76, "ENOTUNIQ"),
    (77, "EBADFD"),
    (78, "EREMCHG"),
    (79, "ELIBACC"),
    (80, "ELIBBAD"),
    (81, "ELIBSCN"),
    (82, "ELIBMAX"),
    (83, "ELIBEXEC"),
    (84, "EILSEQ"),
    (85, "ERESTART"),
    (86, "ESTRPIPE"),
    (87, "EUSERS"),
    (88, "ENOTSOCK"),
    (89, "EDESTADDRREQ"),
    (90, "EMSGSIZE"),
    (91, "EPROTOTYPE"),
    (92, "ENOPROTOOPT"),
    (93, "EPROTONOSUPPORT"),
    (94, "ESOCKTNOSUPPORT"),
    (95, "ENOTSUP"),
    (96, "EPFNOSUPPORT"),
    (97, "EAFNOSUPPORT"),
    (98, "EADDRINUSE"),
    (99, "EADDRNOTAVAIL"),
    (100, "ENETDOWN"),
    (101, "ENETUNREACH"),
    (102, "ENETRESET"),
    (103, "ECONNABORTED"),
    (104, "ECONNRESET"),
    (105, "ENOBUFS"),
    (106, "EISCONN"),
    (107, "ENOTCONN"),
    (108, "ESHUTDOWN"),
    (109, "ETOOMANYREFS"),
    (110, "ETIMEDOUT"),
    (111, "ECONNREFUSED"),
    (112, "EHOSTDOWN"),
    (113, "EHOSTUNREACH"),
    (114, "EALREADY"),
    (115, "EINPROGRESS"),
    (116, "ESTALE"),
    (117, "EUCLEAN"),
    (118, "ENOTNAM"),
    (119, "ENAVAIL"),
    (120, "EISNAM"),
    (121, "EREMOTEIO"),
    (122, "EDQUOT"),
    (123, "ENOMEDIUM"),
    (124, "EMEDIUMTYPE"),
    (125, "ECANCELED"),
    (126, "ENOKEY"),
    (127, "EKEYEXPIRED"),
    (128, "EKEYREVOKED"),
    (129, "EKEYREJECTED"),
    (130, "EOWNERDEAD"),
    (131, "ENOTRECOVERABLE"),
    (132, "ERFKILL"),
];

/// The name Python's `errno.errorcode` gives `code`, if it has one.
pub fn errno_name(code: i32) -> Option<&'static str> {
    ERRORCODE
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, name)| *name)
}

/// `errno.errorcode.get(code, code)` rendered with `%s`: the name, or the decimal number.
pub fn render_errno(code: i32) -> String {
    match errno_name(code) {
        Some(name) => name.to_owned(),
        None => code.to_string(),
    }
}

/// Writes `render_errno(code)` into `buf` without allocating; returns the bytes written
/// (at most 16: the longest name is 15 bytes, the longest number 11).
/// Used by the forked child, which must not touch the allocator.
pub(crate) fn write_errno(code: i32, buf: &mut [u8; 16]) -> usize {
    if let Some(name) = errno_name(code) {
        let n = name.len().min(buf.len());
        buf[..n].copy_from_slice(&name.as_bytes()[..n]);
        return n;
    }
    // Decimal rendering of an i32, right to left.
    let mut digits = [0u8; 11];
    let mut at = digits.len();
    let negative = code < 0;
    let mut value = i64::from(code).unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    let mut n = 0;
    if negative {
        buf[0] = b'-';
        n = 1;
    }
    let len = digits.len() - at;
    buf[n..n + len].copy_from_slice(&digits[at..]);
    n + len
}

/// An OS error as Python's `str(OSError)` prints it: `[Errno 13] Permission denied`
/// (the text after the number is `strerror`). Errors without an errno print their
/// own description.
pub fn python_os_error(error: &std::io::Error) -> String {
    match error.raw_os_error() {
        Some(code) => format!(
            "[Errno {code}] {}",
            nix::errno::Errno::from_raw(code).desc()
        ),
        None => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_spellings() {
        assert_eq!(render_errno(2), "ENOENT");
        assert_eq!(render_errno(11), "EAGAIN");
        assert_eq!(render_errno(35), "EDEADLOCK");
        assert_eq!(render_errno(95), "ENOTSUP");
        assert_eq!(render_errno(133), "133");
    }

    #[test]
    fn stack_rendering_matches() {
        for code in [-2147483648, -7, 0, 1, 24, 35, 41, 133, 2147483647] {
            let mut buf = [0u8; 16];
            let n = write_errno(code, &mut buf);
            assert_eq!(
                std::str::from_utf8(&buf[..n]),
                Ok(render_errno(code).as_str())
            );
        }
    }
}
