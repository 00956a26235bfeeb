/* run.c — `mucsim run`: play scansion scripts and report each verdict. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "run.h"
#include "scs.h"
#include "vec.h"
#include "xml.h"

typedef struct run_cli {
	run_options opts;
	const char *junit;         /* path of the JUnit report, or NULL */
	arena *a;                  /* paths and the JUnit tree */
	vec paths;                 /* const char *, in the order given */
	xml_node *suite;           /* JUnit <testsuite>, or NULL */
	int passed, failed;
} run_cli;

static void run_usage(FILE *f)
{
	fprintf(f,
		"usage: mucsim run [options] FILE|DIR...\n"
		"\n"
		"Plays each scansion script (a directory means its *.scs, sorted by\n"
		"name) against a fresh simulated world and prints one line per script\n"
		"and a last line 'N passed, N failed'.  Exit status 0 only if all pass.\n"
		"\n"
		"options:\n"
		"  --strict          lossless delivery: every stanza must be expected\n"
		"  --check           judge every step with the invariant checker; a\n"
		"                    violation fails the script\n"
		"  --show-dropped    list what scansion mode dropped unread\n"
		"  --verbose         print the full transcript of each run\n"
		"  --profile NAME    Prosody release to model: %s (default: the script's\n"
		"                    [Simulator] profile, else %s)\n"
		"  --seed N          world seed (default: the script's, else 0)\n"
		"  --junit FILE      also write a JUnit XML report\n",
		profile_names(), PROFILE_DEFAULT);
}

static int compare_names(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

/* Add path, or the *.scs files of a directory sorted by name. */
static bool collect(run_cli *r, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "mucsim: %s: no such file or directory\n", path);
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		vec_push(r->a, &r->paths, arena_strdup(r->a, path));
		return true;
	}
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "mucsim: %s: cannot open directory\n", path);
		return false;
	}
	vec found = {0};
	for (struct dirent *e; (e = readdir(d));)
		if (has_suffix(e->d_name, ".scs"))
			vec_push(r->a, &found, arena_printf(r->a, "%s%s%s", path,
					has_suffix(path, "/") ? "" : "/", e->d_name));
	closedir(d);
	if (found.len)
		qsort(found.items, found.len, sizeof *found.items, compare_names);
	for (size_t i = 0; i < found.len; i++)
		vec_push(r->a, &r->paths, found.items[i]);
	return true;
}

static void junit_case(run_cli *r, const char *path, double secs, const char *failure)
{
	if (!r->suite)
		return;
	xml_node *tc = xml_add_elem(r->a, r->suite, NULL, "testcase", NULL);
	xml_set_attr(r->a, tc, "classname", "mucsim.run");
	xml_set_attr(r->a, tc, "name", path);
	xml_set_attr(r->a, tc, "time", arena_printf(r->a, "%.6f", secs));
	if (failure) {
		xml_node *f = xml_add_elem(r->a, tc, NULL, "failure", failure);
		xml_set_attr(r->a, f, "message", "scenario failed");
	}
}

static void run_one(run_cli *r, const char *path)
{
	double t0 = cli_seconds();
	buf report = BUF_INIT;
	scs_error err;
	scs_script *s = scs_load(path, &err);
	bool ok = false;
	if (!s) {
		if (err.line)
			buf_printf(&report, "%s:%u: %s\n", err.file, err.line, err.message);
		else
			buf_printf(&report, "%s: %s\n", err.file, err.message);
	} else {
		ok = run_script(s, &r->opts, &report).passed;
		scs_free(s);
	}
	double secs = cli_seconds() - t0;
	printf("%s %s (%.1f ms)\n", ok ? "PASS" : "FAIL", path, secs * 1000);
	if (report.len && (!ok || r->opts.verbose || r->opts.show_dropped))
		fputs(buf_str(&report), stdout);
	junit_case(r, path, secs, ok ? NULL : buf_str(&report));
	if (ok)
		r->passed++;
	else
		r->failed++;
	buf_free(&report);
}

static bool write_junit(run_cli *r)
{
	FILE *f = fopen(r->junit, "w");
	if (!f) {
		fprintf(stderr, "mucsim: %s: cannot write\n", r->junit);
		return false;
	}
	xml_set_attr(r->a, r->suite, "tests", arena_printf(r->a, "%d", r->passed + r->failed));
	xml_set_attr(r->a, r->suite, "failures", arena_printf(r->a, "%d", r->failed));
	buf out = BUF_INIT;
	buf_puts(&out, "<?xml version='1.0' encoding='UTF-8'?>\n");
	xml_write_pretty(&out, r->suite, "", 0);
	fputs(buf_str(&out), f);
	buf_free(&out);
	return fclose(f) == 0;
}

/* Parse options; returns -1 to go on, else an exit status. */
static int parse_options(run_cli *r, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		const char *o = argv[i];
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
			run_usage(stdout);
			return 0;
		} else if (!strcmp(o, "--strict")) {
			r->opts.strict = true;
		} else if (!strcmp(o, "--check")) {
			r->opts.check = true;
		} else if (!strcmp(o, "--show-dropped")) {
			r->opts.show_dropped = true;
		} else if (!strcmp(o, "--verbose") || !strcmp(o, "-v")) {
			r->opts.verbose = true;
		} else if (!strcmp(o, "--profile") && value) {
			r->opts.profile = profile_find(value);
			if (!r->opts.profile) {
				fprintf(stderr, "mucsim: unknown profile '%s' (known: %s)\n",
						value, profile_names());
				return 2;
			}
			i++;
		} else if (!strcmp(o, "--seed") && value) {
			char *end;
			r->opts.seed = strtoull(value, &end, 0);
			r->opts.seed_set = true;
			if (*end || !*value) {
				fprintf(stderr, "mucsim: --seed needs a number, not '%s'\n", value);
				return 2;
			}
			i++;
		} else if (!strcmp(o, "--junit") && value) {
			r->junit = value;
			i++;
		} else if (o[0] == '-' && o[1]) {
			fprintf(stderr, "mucsim run: unknown or incomplete option '%s'\n", o);
			run_usage(stderr);
			return 2;
		} else if (!collect(r, o)) {
			return 2;
		}
	}
	if (!r->paths.len) {
		run_usage(stderr);
		return 2;
	}
	return -1;
}

int cli_run(int argc, char **argv)
{
	run_cli r = {0};
	r.a = arena_new();
	int status = parse_options(&r, argc, argv);
	if (status < 0) {
		if (r.junit) {
			r.suite = xml_new(r.a, NULL, "testsuite");
			xml_set_attr(r.a, r.suite, "name", "mucsim");
		}
		for (size_t i = 0; i < r.paths.len; i++)
			run_one(&r, r.paths.items[i]);
		printf("%d passed, %d failed\n", r.passed, r.failed);
		status = r.failed ? 1 : 0;
		if (r.junit && !write_junit(&r))
			status = 2;
	}
	arena_free(r.a);
	return status;
}
