/* The progress bar of runs over many files: one line on standard error, redrawn in place at most
 * twenty times a second and erased at the end, so that what remains on the terminal is the run's
 * own output. Only on a terminal: piped or redirected runs never see it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

enum { BAR_WIDTH = 24 };

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int terminal_columns(void) {
  struct winsize size;
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 20)
    return size.ws_col;
  return 80;
}

void progress_begin(Progress *progress, size_t files) {
  const char *term = getenv("TERM");
  memset(progress, 0, sizeof *progress);
  progress->files = files;
  progress->shown = files > 1 && isatty(STDERR_FILENO) && !(term && strcmp(term, "dumb") == 0);
  progress->columns = progress->shown ? terminal_columns() : 80;
}

void progress_update(Progress *progress, const char *stage, size_t done, size_t total,
                     const char *item) {
  if (!progress->shown)
    return;
  double now = now_seconds();
  if (progress->drawn && done < total && now - progress->last_draw < 0.05)
    return;
  progress->drawn = true;
  progress->last_draw = now;
  char bar[BAR_WIDTH + 1];
  size_t filled = total ? done * BAR_WIDTH / total : BAR_WIDTH;
  for (size_t i = 0; i < BAR_WIDTH; i++)
    bar[i] = i < filled ? '=' : i == filled ? '>' : ' ';
  bar[BAR_WIDTH] = '\0';
  char line[512];
  int len = snprintf(line, sizeof line, "[%s] %zu/%zu %s ", bar, done, total, stage);
  int room = (progress->columns < (int)sizeof line ? progress->columns : (int)sizeof line) - 1;
  const char *tail = item ? item : "";
  int tail_len = (int)strlen(tail);
  if (len + tail_len > room && room - len > 3) { /* the end of a long path says most about it */
    len += snprintf(line + len, sizeof line - (size_t)len, "...%s",
                    tail + tail_len - (room - len - 3));
  } else if (len + tail_len <= room) {
    len += snprintf(line + len, sizeof line - (size_t)len, "%s", tail);
  }
  if (len > room)
    len = room;
  for (int i = 0; i < len; i++) /* a file name cannot move the cursor or colour the terminal */
    if ((unsigned char)line[i] < 0x20 || line[i] == 0x7F)
      line[i] = '?';
  fprintf(stderr, "\r%.*s\033[K", len, line);
  fflush(stderr);
}

void progress_from_library(void *user, const char *stage, size_t done, size_t total,
                           const char *item) {
  progress_update(user, stage, done, total, item);
}

void progress_end(Progress *progress) {
  if (progress->shown && progress->drawn) {
    fputs("\r\033[K", stderr);
    fflush(stderr);
  }
  progress->drawn = false;
}
