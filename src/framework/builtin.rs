//! The frameworks compiled into the binary, so a built-in name works anywhere.
//! Their sources are the files in `criteria/`.

/// A built-in framework: its name and TOML source.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    /// The name used in `framework = "..."` and `--framework`.
    pub name: &'static str,
    /// The TOML text.
    pub source: &'static str,
}

/// Every built-in framework, by name.
pub const ALL: &[Builtin] = &[
    Builtin {
        name: "par-commune-2025",
        source: include_str!("../../criteria/par-commune-2025.toml"),
    },
    Builtin {
        name: "par-department-2025",
        source: include_str!("../../criteria/par-department-2025.toml"),
    },
    Builtin {
        name: "par-province",
        source: include_str!("../../criteria/par-province.toml"),
    },
    Builtin {
        name: "par-province-2024",
        source: include_str!("../../criteria/par-province-2024.toml"),
    },
    Builtin {
        name: "service-766",
        source: include_str!("../../criteria/service-766.toml"),
    },
    Builtin {
        name: "service-766-2026",
        source: include_str!("../../criteria/service-766-2026.toml"),
    },
    Builtin {
        name: "sipas",
        source: include_str!("../../criteria/sipas.toml"),
    },
];

/// The built-in framework with this name.
pub fn get(name: &str) -> Option<Builtin> {
    ALL.iter().copied().find(|b| b.name == name)
}

/// The names of all built-in frameworks.
pub fn names() -> Vec<&'static str> {
    ALL.iter().map(|b| b.name).collect()
}
