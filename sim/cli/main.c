/* main.c — mucsim: run scansion scenarios against a simulated Prosody MUC. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"

typedef struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} command;

static int cmd_version(int argc, char **argv)
{
	printf("mucsim %s\n", MUCSIM_VERSION);
	return 0;
}

static int cmd_help(int argc, char **argv);

static const command commands[] = {
	{"run", cli_run, "run scansion scripts (files or directories of *.scs)"},
	{"replay", cli_replay, "reproduce a fuzz input's run: scenario, transcript, verdict"},
	{"minimize", cli_minimize, "shrink a scenario fuzzer input, keeping the invariant it violates"},
	{"encode", cli_encode, "write a script as a scenario fuzzer input"},
	{"hash", cli_hash, "transcript hashes of scripts and inputs (determinism checks)"},
	{"version", cmd_version, "print the version"},
	{"help", cmd_help, "this text"},
};

static void usage(FILE *f)
{
	fputs("usage: mucsim <command> [options] [arguments]\n\ncommands:\n", f);
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'mucsim <command> --help' describes a command's options.\n", f);
}

static int cmd_help(int argc, char **argv)
{
	usage(stdout);
	return 0;
}

double cli_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		name = "help";
	if (!strcmp(name, "--version"))
		name = "version";
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (!strcmp(commands[i].name, name))
			return commands[i].fn(argc - 2, argv + 2);
	fprintf(stderr, "mucsim: unknown command '%s'\n", name);
	usage(stderr);
	return 2;
}
