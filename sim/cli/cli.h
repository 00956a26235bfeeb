/* cli.h — the mucsim front end's commands.  Only this directory may read
 * the wall clock (to report timings) or the file system layout. */
#ifndef MUCSIM_CLI_H
#define MUCSIM_CLI_H

/* Each command takes the arguments after its name and returns the
 * process exit status. */
int cli_run(int argc, char **argv);
int cli_replay(int argc, char **argv);
int cli_encode(int argc, char **argv);
int cli_hash(int argc, char **argv);

/* Seconds since some fixed point, for timing reports only. */
double cli_seconds(void);

#endif
