/* cli.h — the mucsim front end's commands.  Only this directory may read
 * the wall clock (to report timings) or the file system layout. */
#ifndef MUCSIM_CLI_H
#define MUCSIM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Each command takes the arguments after its name and returns the
 * process exit status. */
int cli_run(int argc, char **argv);
int cli_replay(int argc, char **argv);
int cli_encode(int argc, char **argv);
int cli_hash(int argc, char **argv);
int cli_minimize(int argc, char **argv);

enum { CLI_MAX_INPUT = 1 << 20 };

/* A fuzz input read whole (malloc'd, the caller frees), or NULL after an
 * error message: unreadable, or larger than CLI_MAX_INPUT. */
uint8_t *cli_read_input(const char *path, size_t *len);
/* Write len bytes to path; false after an error message. */
bool cli_write_file(const char *path, const void *data, size_t len);

/* Seconds since some fixed point, for timing reports only. */
double cli_seconds(void);

#endif
