//! The command line: clap derive types whose doc comments are the `--help` text. clap
//! stays here: the value enums below mirror domain types and convert into them.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// What a double-clicked `cchc.exe` shows before its window closes (Windows): cchc
/// runs in a console, and `cchc.bat` beside it opens one in its folder.
pub const DOUBLE_CLICK: &str = "\
cchc - Vietnam's administrative-reform indices (chỉ số CCHC)

cchc runs in a console window, not by double-clicking.
Open cchc.bat in this folder: a console opens here. Then type, for example:

    cchc score demo                      rank the demo communes and wards
    cchc score demo --out ket-qua.xlsx   the same ranking as an Excel workbook
    cchc --help                          every command, with examples

Press Enter to close this window.
";

/// Score Vietnam's administrative-reform indices (chỉ số CCHC) from inspection files.
///
/// A project folder holds a cchc.toml naming a framework (a criteria table) and the
/// input files: the unit register, the inspection checklist, and where the framework
/// needs them the one-stop dossier log and the citizens' survey answers. `cchc score
/// DIR` ranks the units (table, csv, json, md, xlsx, html or parquet), `cchc explain DIR
/// --unit ID` shows where every point came from, and `cchc check DIR` reports every
/// problem in the framework and the data.
///
/// Exit codes: 0 success; 1 completed, but the data has error-level findings;
/// 2 usage, I/O, parse or framework error (nothing is written).
#[derive(Debug, Parser)]
#[command(name = "cchc", version, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Bytes per block when reading a CSV dossier log (for tests: tiny blocks exercise
    /// every cut and merge)
    #[arg(long, global = true, hide = true, value_name = "BYTES")]
    pub csv_block_size: Option<usize>,
    /// The terminal width a table is fitted to, as if on a terminal that wide (for
    /// `cchc verify`, which re-runs a recorded table)
    #[arg(long, global = true, hide = true, value_name = "COLUMNS")]
    pub width: Option<usize>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score and rank units; DIR holds a cchc.toml (default: .)
    ///
    /// Prints the ranking: rank, rank_in_group, unit_id, name, group, points,
    /// max_points, index, band, one area_<id> column per area, self_index and
    /// appraisal_delta when the checklist has self-scores, and rank_change and
    /// index_change with --previous (through --lineage also baseline, baseline_rank and
    /// the mark † of a unit compared through a merger). On a terminal the table fits
    /// its width (the area columns go first; --wide shows all).
    ///
    /// Example: cchc score fixtures/demo --format csv --out ranking.csv
    ///
    /// Example: cchc score fixtures/demo --out report.html --lang vi
    ///
    /// Example: cchc score fixtures/demo --previous ranking-2024.csv --out ranking.xlsx
    ///
    /// Example: cchc score fixtures/can-tho-2025 --previous fixtures/can-tho-2025/ranking-2024.csv --lineage fixtures/can-tho-2025/lineage.csv
    ///
    /// Example: cchc score fixtures/demo --stage self
    Score(ScoreArgs),
    /// Show the derivation of one unit's points, leaf by leaf
    ///
    /// For each criterion: the checklist line, the rule, the ratio as an exact
    /// fraction, the step or option that matched, the points and the stage they come
    /// from; then the totals, the index, the band and the rank.
    ///
    /// Example: cchc explain fixtures/demo --unit P01 --criterion 1
    Explain(ExplainArgs),
    /// Validate a framework and a project's inputs; report all problems at once
    ///
    /// With DIR, checks the framework and the data together; with only --framework,
    /// checks the framework file. Exit 2 if the framework is invalid, 1 if the data
    /// has error-level findings, 0 otherwise.
    ///
    /// Example: cchc check fixtures/demo
    Check(CheckArgs),
    /// Dossier-log indicators per unit (766 style) for a period
    ///
    /// Counts received, carried over, resolved (early, on time, late), returned and
    /// pending dossiers, and the rates built on them, from a one-stop log (.csv or
    /// .parquet) of any size. Due dates missing from the log are computed from the
    /// procedures' processing days in working days (the calendar).
    ///
    /// Example: cchc metrics --dossiers fixtures/demo/dossiers.csv --procedures fixtures/demo/procedures.csv --period 2025 --by unit
    Metrics(MetricsArgs),
    /// The portal's published service-index figures against cchc's (QĐ 766)
    ///
    /// Reads the figures the national portal publishes per unit and indicator
    /// (unit_id, indicator, numerator, denominator, score; an empty cell is unknown,
    /// never 0; CSV or a workbook) and computes the same official index from the
    /// unit's own log, procedures catalogue and petitions (as `cchc metrics --method
    /// 766`). Lists every figure that differs — a count that is not the same, a score
    /// further from cchc's exact one than the portal's 2-decimal rounding — with both
    /// derivations. Exit 1 when any differs.
    ///
    /// Example: cchc reconcile tests/fixtures/service766 --official tests/fixtures/service766/portal.csv
    Reconcile(ReconcileArgs),
    /// Satisfaction indices (SIPAS) per unit and factor from survey answers
    ///
    /// Reads one row per answer (response_id, unit_id, question_id, answer 1–5; empty
    /// or 0 = no answer) and computes, per unit or group, each question's satisfaction
    /// over its valid answers, each factor (the mean of its questions), each pillar
    /// (the mean of its factors), the index (the mean of the factors, or of the pillars
    /// with `aggregate = "pillars"`), the respondents, and the index's 95% margin of
    /// error; unscored questions (needs, the harassment question) as frequency tables
    /// (json, xlsx, html). How an answer counts and how means are weighted is the
    /// framework's [survey] table (default framework: the manifest's, else the
    /// built-in `sipas`).
    ///
    /// Example: cchc sipas --survey fixtures/demo/survey.csv --units fixtures/demo/units.csv
    Sipas(SipasArgs),
    /// Where one stage moved another's points most, per criterion and per unit
    ///
    /// Compares two stages of the inspection leaf by leaf — by default the units'
    /// self-scores with the appraised points: the criteria whose points moved most
    /// over all units, then each unit's largest moves. For the inspection team's
    /// review and the units' replies.
    ///
    /// Example: cchc gaps fixtures/demo --top 10
    ///
    /// Example: cchc gaps DIR --from appraised --to final
    Gaps(GapsArgs),
    /// Write one self-assessment form per unit: FOLDER/<unit_id>.xlsx
    ///
    /// Each form lists the framework's criteria (parents as headings) with each
    /// criterion's id, title, maximum and rule in plain words, and yellow cells — checked
    /// by Excel — for exactly what its rule reads: the score, done and planned, the
    /// option (a drop-down), the count, the evidence and the explanation. Criteria
    /// scored on the dossier log or the survey show the unit's figure, locked. The
    /// workbook records the unit and the framework's fingerprint; `cchc collect` reads
    /// it back. Vietnamese labels by default.
    ///
    /// Example: cchc forms fixtures/demo --out forms/
    ///
    /// Example: cchc forms fixtures/demo --out forms/ --unit X07 --lang en
    Forms(FormsArgs),
    /// Read returned forms back into a checklist
    ///
    /// Refuses a form made for another framework or whose unit is not the one its file
    /// is named after (exit 2, nothing written); names every cell that cannot be used
    /// (above the maximum, not an option, text in a number cell, a criterion id changed)
    /// and leaves it empty (exit 1). Writes a new checklist, or fills one stage's column
    /// of an existing one.
    ///
    /// Example: cchc collect forms/ --project fixtures/demo --out self-scores.csv
    ///
    /// Example: cchc collect forms/ --checklist checklist.csv --stage final --out checklist.csv
    Collect(CollectArgs),
    /// Write a ready-to-run example project into DIR
    ///
    /// Example: cchc init my-inspection && cchc score my-inspection
    Init(InitArgs),
    /// List the frameworks built into the binary
    ///
    /// Example: cchc frameworks --show par-commune-2025 > my-framework.toml
    Frameworks(FrameworksArgs),
    /// Where a unit's points are within reach: the smallest change per criterion
    ///
    /// For every criterion below its maximum that the unit can act on: the smallest
    /// change of the rule's input that earns more points — the next option of a choice,
    /// the next step of a ratio in whole dossiers or tasks, one fewer late report, a
    /// manual item's remaining points — with the points now and then, the gain, and the
    /// index and rank the unit would have with that change alone; largest gain first.
    /// Criteria scored on the survey are left out (no single input moves them).
    ///
    /// Example: cchc advise fixtures/demo --unit X07
    ///
    /// Example: cchc advise fixtures/demo --unit X07 --top 0 --format csv --out x07.csv
    Advise(AdviseArgs),
    /// Write one printable page per unit: FOLDER/<unit_id>.html
    ///
    /// What the Department sends each unit: its index, rank (overall and in its group)
    /// and band; each area's points against the maximum and the group's median; what
    /// the appraisal changed; the points within reach (as `cchc advise`); and, with
    /// --previous (and --lineage), the comparison with last year. Self-contained HTML,
    /// A4 when printed. Vietnamese by default.
    ///
    /// Example: cchc cards fixtures/demo --out cards/
    ///
    /// Example: cchc cards fixtures/can-tho-2025 --out cards/ --previous fixtures/can-tho-2025/ranking-2024.csv --lineage fixtures/can-tho-2025/lineage.csv
    Cards(CardsArgs),
    /// Would the ranking hold under other area weights? Ranks over many weightings
    ///
    /// Re-ranks the units --runs times with each area's weight multiplied by a factor
    /// drawn uniformly in [1 − PCT%, 1 + PCT%] (the scale kept: index = Σ w·points /
    /// Σ w·max × scale), and with --drop-areas once more per area left out. Per unit:
    /// its rank, the median rank, the 5th and 95th percentile ranks, and the share of
    /// runs that keep it in its band. Draws come from ChaCha8 seeded with --seed: the
    /// same seed gives the same bytes on any machine. html adds a chart of the rank
    /// intervals.
    ///
    /// Example: cchc sensitivity fixtures/demo --runs 1000 --weights 20
    ///
    /// Example: cchc sensitivity fixtures/demo --runs 0 --drop-areas --format md
    Sensitivity(SensitivityArgs),
    /// Check a recorded run: the inputs unchanged, the outputs reproduced
    ///
    /// Reads a record written by --record (score, metrics, sipas), re-hashes every
    /// input (each changed or missing file named), checks the recorded output files
    /// are as written, re-runs the command in a temporary folder and compares every
    /// output byte for byte by SHA-256. Exit 0 "verified"; exit 1 naming what differs.
    ///
    /// Example: cchc score fixtures/demo --out ranking.csv --record ranking.record.json && cchc verify ranking.record.json
    Verify(VerifyArgs),
    /// Read a unit lineage across the 2025 mergers: its edges and what it holds
    ///
    /// A lineage lists old unit → new unit edges: old_id, new_id and optionally old_name,
    /// new_name, relation (whole, part, unchanged, renamed), weight and note. The
    /// statistics office's conversion table is read as published (cells merged down,
    /// title and province rows, codes stored as numbers, notes such as "Nhập toàn bộ" or
    /// "Nhập một phần diện tích" read as relations). Prints the edges sorted by new unit
    /// and a summary: edges, new and old units, each relation, old units split between
    /// several new ones, codes reused for another unit.
    ///
    /// Example: cchc lineage fixtures/lineage-2025/conversion-table.xlsx --format csv --out edges.csv
    ///
    /// Example: cchc lineage fixtures/lineage-2025/conversion-table.xlsx --unit 31507
    Lineage(LineageArgs),
    /// Check a published results table against itself: totals, parts, changes, ranks, means
    ///
    /// Reads a results table as copied from a report (CSV or workbook) with any of the
    /// columns unit_id, name, group, total, previous, change, rank, above_mean,
    /// group_mean (Vietnamese headers such as "Chỉ số", "Năm trước", "Tăng/giảm",
    /// "Xếp hạng" are recognised) plus the parts named with --parts, and recomputes what
    /// the table implies: total = the sum of its parts (within the rounding of the
    /// parts), change = total − previous, the ranks (ties share a rank), above_mean =
    /// total − the stated mean (a row named "Trung bình" or "Cả nước", or --mean), each
    /// group's mean. Prints every contradiction with its cell and the likeliest slip
    /// (two digits swapped, a change against another year, a rank not re-sorted) and
    /// what the table says in figures: count, mean, range, up/down/unchanged, the
    /// largest and smallest change, for the table and each group. Exit 1 when anything
    /// is contradicted; a difference the rounding of parts explains is one warning.
    ///
    /// Example: cchc audit fixtures/published/par-2020-top-ten.csv --parts appraised,sipas,survey,impact
    ///
    /// Example: cchc audit fixtures/published/par-2024-headline.csv --format table
    ///
    /// Example: cchc audit ket-qua-2024.xlsx --previous ket-qua-2023.xlsx --mean 88,37 --decimal-comma
    Audit(AuditArgs),
    /// List every finding code: its severity, what it is about, its meaning
    ///
    /// Example: cchc codes --lang vi
    Codes(CodesArgs),
    /// Print shell completions for cchc
    ///
    /// Example (bash): cchc completions bash > ~/.local/share/bash-completion/completions/cchc
    ///
    /// Example (zsh):  cchc completions zsh > ~/.zfunc/_cchc
    Completions(CompletionsArgs),
    /// Print the man page (roff), generated from the same definitions as --help
    ///
    /// Example: cchc man > ~/.local/share/man/man1/cchc.1 && man cchc
    Man,
}

/// `cchc completions`
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Where the project is, and what overrides its manifest.
#[derive(Debug, Clone, Args)]
pub struct ProjectArgs {
    /// The project folder holding cchc.toml
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// A built-in framework name or a TOML file (overrides the manifest)
    #[arg(long, value_name = "NAME|FILE")]
    pub framework: Option<String>,
    /// The unit register CSV (overrides the manifest)
    #[arg(long, value_name = "FILE")]
    pub units: Option<PathBuf>,
    /// The inspection checklist CSV (overrides the manifest)
    #[arg(long, value_name = "FILE")]
    pub checklist: Option<PathBuf>,
    /// The period: 2025, 2025-Q1, 2025-03 or 2025-01-01..2025-06-30 (overrides the manifest)
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<String>,
    /// The survey answers CSV, for survey-scored criteria (overrides the manifest)
    #[arg(long, value_name = "FILE")]
    pub survey: Option<PathBuf>,
    /// The officials' survey answers (response_id, unit_id, group, question_id, answer),
    /// for criteria scored on it (overrides the manifest)
    #[arg(long, value_name = "FILE")]
    pub officials: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub logs: LogArgs,
}

/// The dossier-log inputs, shared by score and metrics.
#[derive(Debug, Clone, Args)]
pub struct LogArgs {
    /// The dossier log: .csv, .parquet, a workbook, or a dataset — a folder of Parquet files (hive `year=…/` partitions after the period are skipped) or a quoted glob (overrides the manifest)
    #[arg(long, value_name = "FILE")]
    pub dossiers: Option<PathBuf>,
    /// The procedure register: processing days for dossiers without due_at; under --method 766 the procedures catalogue (max_time, paper_result, online, …)
    #[arg(long, value_name = "FILE")]
    pub procedures: Option<PathBuf>,
    /// Petitions (PAKN: pakn_id, unit_id, received_at, outcome, …), for the official service index's 5.2–5.4
    #[arg(long, value_name = "FILE")]
    pub petitions: Option<PathBuf>,
    /// Under --method 766, in place of the log: the official counts per unit and procedure that `--method 766 --emit-sql` computed in a warehouse, saved as CSV
    #[arg(long, value_name = "FILE")]
    pub counts: Option<PathBuf>,
    /// Under --method 766: last year's dossiers received per unit (unit_id, received), 1.4's denominator for a unit that received nothing (÷ 12 a month, ÷ 4 a quarter)
    #[arg(long, value_name = "FILE")]
    pub previous_counts: Option<PathBuf>,
    /// A working-day calendar CSV (default: the built-in Vietnamese holidays)
    #[arg(long, value_name = "FILE")]
    pub calendar: Option<PathBuf>,
    /// How 2025, 2025-Q1, 2025-03 map to dates: calendar months, or the 15th-to-14th reporting convention
    #[arg(long, value_enum, value_name = "CONVENTION")]
    pub convention: Option<crate::period::Convention>,
    /// Skip dossier rows that cannot be used and report them, instead of stopping at the first
    #[arg(long)]
    pub skip_invalid: bool,
    /// Read decimals written with a comma ("86,95") and dots grouping thousands ("1.900") in every input; automatic for ;-separated files
    #[arg(long)]
    pub decimal_comma: bool,
}

impl ProjectArgs {
    /// The overrides this gives the manifest.
    pub fn overrides(&self) -> crate::project::Overrides {
        self.logs.overrides(crate::project::Overrides {
            dir: self.dir.clone(),
            framework: self.framework.clone(),
            units: self.units.clone(),
            checklist: self.checklist.clone(),
            period: self.period.clone(),
            survey: self.survey.clone(),
            officials: self.officials.clone(),
            ..Default::default()
        })
    }
}

impl LogArgs {
    /// Adds the dossier-log overrides to those of a command.
    fn overrides(&self, o: crate::project::Overrides) -> crate::project::Overrides {
        crate::project::Overrides {
            dossiers: self.dossiers.clone(),
            procedures: self.procedures.clone(),
            petitions: self.petitions.clone(),
            counts: self.counts.clone(),
            previous_counts: self.previous_counts.clone(),
            calendar: self.calendar.clone(),
            convention: self.convention,
            skip_invalid: self.skip_invalid,
            decimal_comma: self.decimal_comma,
            ..o
        }
    }
}

/// Where and how a report is written.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Language of headers and labels in table, md, html and xlsx, and of findings (csv, json and parquet names never change)
    #[arg(long, value_enum, default_value = "en")]
    pub lang: crate::lang::Lang,
    /// Output format [default: table on a terminal, else from --out's extension, else csv]
    #[arg(long, value_enum)]
    pub format: Option<crate::export::Format>,
    /// Write the output to FILE (atomically) instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// In the table format, show every column even when wider than the terminal
    #[arg(long)]
    pub wide: bool,
    /// Print only error-level findings on standard error; no progress bar
    #[arg(long, short)]
    pub quiet: bool,
}

/// `cchc metrics`
#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// A project folder whose cchc.toml names the inputs (optional)
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub logs: LogArgs,
    /// The unit register: units missing from the log get a row of zeros, units missing from the register are reported
    #[arg(long, value_name = "FILE")]
    pub units: Option<PathBuf>,
    /// The period: 2025, 2025-Q1, 2025-03 or 2025-01-01..2025-06-30 (both days included)
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<String>,
    /// One row per unit (default), procedure, channel, month, or unit and month; under --method 766, unit or procedure (each unit's procedures, their dossier indicators)
    #[arg(long, value_enum, default_value = "unit")]
    pub by: crate::dossier::GroupBy,
    /// Which definitions: cchc's metrics table (default), or 766, the official service index as the national portal computes it (per unit and indicator: numerator, denominator, ratio, score, max)
    #[arg(long, value_enum, value_name = "METHOD")]
    pub method: Option<Method>,
    /// The framework scoring the official indicators (implies --method 766) [default: service-766-2026]
    #[arg(long, value_name = "NAME|FILE")]
    pub framework: Option<String>,
    /// An alternative denominator, e.g. online_share=received+carried_over (repeatable); one that holds none of the numerator's dossiers is refused
    #[arg(long, value_name = "RATE=COLUMNS")]
    pub rate_definition: Vec<String>,
    /// MiB of dossier-id hashes (8 bytes a dossier) the duplicate-id check keeps in memory; beyond it, sorted runs go to a temporary folder (TMPDIR) [default: 128]
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..=1_048_576))]
    pub id_check_memory: Option<u64>,
    /// Print one SQL query that computes this table in a warehouse (same period, grouping, rates, working-day deadlines) instead of computing it; only the log's header is read. Under --method 766 the query computes the official counts per unit and procedure: save its result as CSV and score it with --counts
    #[arg(long, value_enum, value_name = "DIALECT", conflicts_with_all = ["format", "record", "wide"])]
    pub emit_sql: Option<crate::dossier::Dialect>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub record: RecordArgs,
}

impl MetricsArgs {
    /// The overrides this gives the manifest.
    pub fn overrides(&self) -> crate::project::Overrides {
        self.logs.overrides(crate::project::Overrides {
            dir: self.dir.clone(),
            units: self.units.clone(),
            period: self.period.clone(),
            ..Default::default()
        })
    }
}

/// `cchc reconcile`
#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// A project folder whose cchc.toml names the inputs (optional)
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The portal's published figures: unit_id, indicator (an indicator id, a group code or total), numerator, denominator, score
    #[arg(long, value_name = "FILE")]
    pub official: PathBuf,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub logs: LogArgs,
    /// The unit register (default: the units of the log)
    #[arg(long, value_name = "FILE")]
    pub units: Option<PathBuf>,
    /// The checklist, for the official framework's checklist criterion (4.6)
    #[arg(long, value_name = "FILE")]
    pub checklist: Option<PathBuf>,
    /// The period the portal's figures are for: 2026-03, 2026-Q1, 2026
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<String>,
    /// The framework scoring the official indicators [default: service-766-2026]
    #[arg(long, value_name = "NAME|FILE")]
    pub framework: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,
}

impl ReconcileArgs {
    /// The overrides this gives the manifest.
    pub fn overrides(&self) -> crate::project::Overrides {
        self.logs.overrides(crate::project::Overrides {
            dir: self.dir.clone(),
            units: self.units.clone(),
            checklist: self.checklist.clone(),
            period: self.period.clone(),
            ..Default::default()
        })
    }
}

/// The definitions `cchc metrics` computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    /// cchc's metrics table (PRODUCT.md "Dossier metrics")
    Cchc,
    /// The official QĐ 766 service index, as the national portal computes it
    #[value(name = "766")]
    Official,
}

/// `cchc sipas`
#[derive(Debug, Args)]
pub struct SipasArgs {
    /// A project folder whose cchc.toml names the survey, units and framework (optional)
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The survey answers CSV: response_id, unit_id, question_id, answer
    #[arg(long, value_name = "FILE")]
    pub survey: Option<PathBuf>,
    /// A framework with a [survey] table, built-in name or TOML file [default: the manifest's, else sipas]
    #[arg(long, value_name = "NAME|FILE")]
    pub framework: Option<String>,
    /// The unit register: every unit gets a row (answers or not), unknown units are reported
    #[arg(long, value_name = "FILE")]
    pub units: Option<PathBuf>,
    /// One row per unit (default), or per group of the register (answers pooled)
    #[arg(long, value_enum, default_value = "unit")]
    pub by: crate::survey::SurveyBy,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,
    /// Read the files as written with a decimal comma (automatic for ;-separated files)
    #[arg(long)]
    pub decimal_comma: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub record: RecordArgs,
}

impl SipasArgs {
    /// The overrides this gives the manifest.
    pub fn overrides(&self) -> crate::project::Overrides {
        crate::project::Overrides {
            dir: self.dir.clone(),
            framework: self.framework.clone(),
            units: self.units.clone(),
            survey: self.survey.clone(),
            decimal_comma: self.decimal_comma,
            ..Default::default()
        }
    }
}

/// Recording a run for `cchc verify`.
#[derive(Debug, Args)]
pub struct RecordArgs {
    /// Write a record of this run to FILE (JSON: version, arguments, framework fingerprint, each input's path, size and SHA-256, each output's SHA-256) for `cchc verify`
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
}

/// The comparison with an earlier ranking.
#[derive(Debug, Args)]
pub struct PreviousArgs {
    /// An earlier ranking (cchc's CSV or JSON output): adds rank_change and index_change, lists units new or gone
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
    /// Compare with --previous through this unit lineage (old_id → new_id; the official conversion table as published): each unit's baseline is the weighted mean of its predecessors' earlier indices [default: inputs.lineage of cchc.toml]
    #[arg(long, value_name = "FILE", requires = "previous")]
    pub lineage: Option<PathBuf>,
}

impl PreviousArgs {
    /// A command's overrides with `--lineage` added.
    pub fn overrides(&self, o: crate::project::Overrides) -> crate::project::Overrides {
        crate::project::Overrides {
            lineage: self.lineage.clone(),
            ..o
        }
    }
}

/// `cchc score`
#[derive(Debug, Args)]
pub struct ScoreArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub project: ProjectArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub previous: PreviousArgs,
    /// Rank on this stage of the checklist [default: final when the checklist has final_score, else appraised]
    #[arg(long, value_enum)]
    pub stage: Option<crate::score::Stage>,
    /// Each area's index and rank beside the total (area_<id>_index = area points / area max × 100, area_<id>_rank), as the Ministry publishes each field; a framework may set it with `area-ranks = true` under [ranking]
    #[arg(long)]
    pub area_ranks: bool,
    /// Give the summary (count, mean, range, ups and downs) per value of this column of the unit register, e.g. a region, instead of per ranking group; a framework may set it with `summary-by = "region"` under [ranking]
    #[arg(long, value_name = "COLUMN")]
    pub summary_by: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub record: RecordArgs,
}

/// `cchc gaps`
#[derive(Debug, Args)]
pub struct GapsArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub project: ProjectArgs,
    /// The earlier stage
    #[arg(long, value_enum, default_value = "self")]
    pub from: crate::score::Stage,
    /// The later stage
    #[arg(long, value_enum, default_value = "appraised")]
    pub to: crate::score::Stage,
    /// Show this many unit/criterion rows in table and md output (0 = all; the other formats have all)
    #[arg(long, value_name = "N", default_value = "20")]
    pub top: usize,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,
}

/// Formats of `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// Readable text (default).
    Text,
    /// JSON for scripts: the unit's ranking object and criteria detail.
    Json,
}

/// `cchc explain`
#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub project: ProjectArgs,
    /// The unit to explain (its unit_id)
    #[arg(long, value_name = "ID")]
    pub unit: String,
    /// Only this criterion: a leaf, a criterion with sub-criteria, or an area id
    #[arg(long, value_name = "ID")]
    pub criterion: Option<String>,
    /// Explain this stage [default: the stage score ranks on]
    #[arg(long, value_enum)]
    pub stage: Option<crate::score::Stage>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub previous: PreviousArgs,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: ExplainFormat,
    /// Language of the findings printed on standard error
    #[arg(long, value_enum, default_value = "en")]
    pub lang: crate::lang::Lang,
    /// Write the output to FILE (atomically) instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print only error-level findings on standard error
    #[arg(long, short)]
    pub quiet: bool,
}

/// `cchc advise`
#[derive(Debug, Args)]
pub struct AdviseArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub project: ProjectArgs,
    /// The unit to advise (its unit_id)
    #[arg(long, value_name = "ID")]
    pub unit: String,
    /// Show the N largest gains (0: all)
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
    /// Advise on this stage [default: the stage score ranks on]
    #[arg(long, value_enum)]
    pub stage: Option<crate::score::Stage>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,
}

/// `cchc cards`
#[derive(Debug, Args)]
pub struct CardsArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub project: ProjectArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub previous: PreviousArgs,
    /// The folder to write the cards into (FOLDER/<unit_id>.html; created if needed)
    #[arg(long, value_name = "FOLDER")]
    pub out: PathBuf,
    /// Only this unit's card (repeatable; default: every unit)
    #[arg(long, value_name = "ID")]
    pub unit: Vec<String>,
    /// Language of the cards
    #[arg(long, value_enum, default_value = "vi")]
    pub lang: crate::lang::Lang,
    /// Print only error-level findings on standard error
    #[arg(long, short)]
    pub quiet: bool,
}

/// `cchc sensitivity`
#[derive(Debug, Args)]
pub struct SensitivityArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub project: ProjectArgs,
    /// Random re-rankings
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub runs: u32,
    /// Each area's weight varies by up to this many percent either way (0 to 100)
    #[arg(long, value_name = "PCT", default_value = "20")]
    pub weights: rust_decimal::Decimal,
    /// The seed of the draws (the same seed gives the same output)
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Also re-rank once per area with that area left out
    #[arg(long)]
    pub drop_areas: bool,
    /// Rank on this stage [default: the stage score ranks on]
    #[arg(long, value_enum)]
    pub stage: Option<crate::score::Stage>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,
}

/// `cchc verify`
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The record (written by --record)
    #[arg(value_name = "RECORD")]
    pub record: PathBuf,
}

/// `cchc lineage`
#[derive(Debug, Args)]
pub struct LineageArgs {
    /// The lineage: a CSV or a workbook (`table.xlsx#Sheet` picks a sheet; default the first)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Only the edges of this code: its predecessors as a new unit, its successors as an old one
    #[arg(long, value_name = "ID")]
    pub unit: Option<String>,
    /// Read decimals written with a comma in the weight column
    #[arg(long)]
    pub decimal_comma: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,
}

/// `cchc audit`
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The published table: a CSV or a workbook (`table.xlsx#Sheet` picks a sheet; default the first)
    #[arg(value_name = "TABLE")]
    pub table: PathBuf,
    /// An earlier table with the same kind of columns: each row's earlier total, matched by unit_id, else by name (a printed previous column is checked against it)
    #[arg(long, value_name = "EARLIER")]
    pub previous: Option<PathBuf>,
    /// The columns that add up to the total, headers as the table writes them: --parts "Thẩm định,SIPAS,Điều tra,Tác động"
    #[arg(long, value_name = "COL,COL…", value_delimiter = ',')]
    pub parts: Vec<String>,
    /// The column of the total, when its header is not one cchc knows ("Chỉ số", "Tổng điểm", …)
    #[arg(long, value_name = "COL")]
    pub total: Option<String>,
    /// The column of each row's group or region (its means and figures are checked and summed up)
    #[arg(long, value_name = "COL")]
    pub group: Option<String>,
    /// The mean the "above the mean" figures are taken from [default: the table's mean row]
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub mean: Option<String>,
    /// A folder whose cchc.toml maps the table's headers in a [columns.audit] table
    #[arg(long, value_name = "DIR")]
    pub project: Option<PathBuf>,
    /// Read decimals written with a comma (92,75); a `;`-separated CSV is read so anyway
    #[arg(long)]
    pub decimal_comma: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,
}

/// `cchc check`
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub project: ProjectArgs,
    /// Language of the findings (codes never change)
    #[arg(long, value_enum, default_value = "en")]
    pub lang: crate::lang::Lang,
    /// Print only error-level findings
    #[arg(long, short)]
    pub quiet: bool,
}

/// `cchc init`
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create (it must not hold a cchc.toml already)
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// `cchc frameworks`
#[derive(Debug, Args)]
pub struct FrameworksArgs {
    /// Print the TOML source of this built-in framework (a starting point for your own)
    #[arg(long, value_name = "NAME")]
    pub show: Option<String>,
}

/// `cchc codes`
#[derive(Debug, Args)]
pub struct CodesArgs {
    /// Language of the meanings
    #[arg(long, value_enum, default_value = "en")]
    pub lang: crate::lang::Lang,
    /// Output format
    #[arg(long, value_enum)]
    pub format: Option<crate::export::Format>,
}

/// `cchc forms`
#[derive(Debug, Args)]
pub struct FormsArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub project: ProjectArgs,
    /// The folder to write the forms into (FOLDER/<unit_id>.xlsx; created if needed)
    #[arg(long, value_name = "FOLDER")]
    pub out: PathBuf,
    /// Only this unit's form (repeatable; default: every unit of the register)
    #[arg(long, value_name = "ID")]
    pub unit: Vec<String>,
    /// Language of the form's labels
    #[arg(long, value_enum, default_value = "vi")]
    pub lang: crate::lang::Lang,
    /// Print only error-level findings on standard error
    #[arg(long, short)]
    pub quiet: bool,
}

/// `cchc collect`
#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Returned forms: .xlsx files, or folders of them
    #[arg(value_name = "FORM|FOLDER", required = true)]
    pub forms: Vec<PathBuf>,
    /// The project folder whose framework the forms were made with [default: .]
    #[arg(long, value_name = "DIR")]
    pub project: Option<PathBuf>,
    /// The framework the forms were made with (overrides the project's)
    #[arg(long, value_name = "NAME|FILE")]
    pub framework: Option<String>,
    /// The stage the forms fill: the units' self-assessment, the appraisal, or the final scores
    #[arg(long, value_enum, default_value = "self")]
    pub stage: crate::score::Stage,
    /// An existing CSV checklist to fill: what the forms hold goes to the stage's score column and to the inputs of computed criteria, evidence and explanation (an empty form cell changes nothing); every other column and the row order stay
    #[arg(long, value_name = "FILE")]
    pub checklist: Option<PathBuf>,
    /// The unit register every form's unit must be in [default: the project's]
    #[arg(long, value_name = "FILE")]
    pub units: Option<PathBuf>,
    /// When a unit returned two forms (`P01.xlsx`, `P01 (bản sửa).xlsx`), the one to use (repeat for each such unit)
    #[arg(long, value_name = "FORM")]
    pub choose: Vec<PathBuf>,
    /// Where to write the checklist, a .csv file (atomically; may be the --checklist file itself)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Language of the findings
    #[arg(long, value_enum, default_value = "en")]
    pub lang: crate::lang::Lang,
    /// Print only error-level findings on standard error
    #[arg(long, short)]
    pub quiet: bool,
}
