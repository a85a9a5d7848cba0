package dev.jplay.runtime.launch;

import dev.jplay.protocol.Step;
import dev.jplay.runtime.fs.HostTools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The container's log writer, Docker's json-file driver as a Perl script the supervisor runs around {@code runc
 * run}: it starts the command with its stdout and stderr on two pipes, and appends every line to the log as
 * {@code {"log":"...\n","stream":"stdout","time":"2026-12-07T19:44:21.123456000Z"}}, rotating when the file reaches
 * {@code max-size} (the file becomes {@code .1}, older ones shift, at most {@code max-file} files; with one file it
 * is truncated). As Docker's, it reads at most 16 KiB of a line at a time: a longer line becomes several records, all
 * but the last without {@code \n}, and so does output that ends without a newline; invalid UTF-8 becomes U+FFFD.
 * A write that fails (full disk) drops the line: the container never blocks on its log.
 *
 * <p>Why Perl: a JVM per container is far too heavy, and it must outlive the agent. {@code perl-base} is part of
 * every Debian and Ubuntu (Essential); POSIX awk cannot read a clock finer than a second, cannot wait on two pipes,
 * and mawk buffers a line without newline whole (measured: a 300 MB one had taken 4 CPU-minutes and 70 MB, unfinished).
 * At 1000 lines/s of 100 bytes it used 2.6% of a core and 1.6 MiB of private memory (README "Logs"). Time::HiRes is used when present (it is not in perl-base), else the
 * gettimeofday system call directly.
 */
final class LogWriterScript {
    private LogWriterScript() {}

    static final String SOURCE = """
            # jplay log writer (generated; see LogWriterScript.java). Usage: perl log-writer.pl LOG MAX_SIZE MAX_FILE CMD...
            use strict;
            use Config;
            my ($log, $max_size, $max_file, @cmd) = @ARGV;
            my $hires = eval { require Time::HiRes; 1 };
            my $gettimeofday = $Config{archname} =~ /^x86_64/ ? 96 : $Config{archname} =~ /^(aarch64|riscv64)/ ? 169 : 0;
            sub now {
              return Time::HiRes::gettimeofday() if $hires;
              my $tv = pack('q2', 0, 0);
              return unpack('q2', $tv) if $gettimeofday && syscall($gettimeofday, $tv, 0) == 0;
              return (time(), 0);
            }
            my ($stamp_s, $stamp) = (-1, '');
            sub stamp {
              my ($s, $us) = now();
              if ($s != $stamp_s) {
                my @t = gmtime($s);
                $stamp = sprintf('%04d-%02d-%02dT%02d:%02d:%02d', $t[5] + 1900, $t[4] + 1, $t[3], $t[2], $t[1], $t[0]);
                $stamp_s = $s;
              }
              return sprintf('%s.%06d000Z', $stamp, $us);
            }
            my %short = ("\\n" => '\\n', "\\r" => '\\r', "\\t" => '\\t', "\\b" => '\\b', "\\f" => '\\f');
            my $fh;
            my $size = 0;
            sub reopen {
              open($fh, $_[0], $log) or die "jplay log writer: cannot open $log: $!\\n";
              binmode $fh;
              $size = -s $fh || 0;
            }
            sub rotate {
              close $fh;
              for (my $i = $max_file - 1; $i >= 1; $i--) {
                my $from = $i == 1 ? $log : "$log." . ($i - 1);
                rename($from, "$log.$i") if -e $from;
              }
              reopen($max_file > 1 ? '>>' : '>');
            }
            sub emit {
              my ($stream, $text) = @_;
              $text =~ s{([\\xc2-\\xdf][\\x80-\\xbf]|\\xe0[\\xa0-\\xbf][\\x80-\\xbf]|[\\xe1-\\xec\\xee\\xef][\\x80-\\xbf]{2}|\\xed[\\x80-\\x9f][\\x80-\\xbf]|\\xf0[\\x90-\\xbf][\\x80-\\xbf]{2}|[\\xf1-\\xf3][\\x80-\\xbf]{3}|\\xf4[\\x80-\\x8f][\\x80-\\xbf]{2})|[\\x80-\\xff]}{defined $1 ? $1 : "\\xef\\xbf\\xbd"}ge
                if $text =~ /[\\x80-\\xff]/;
              $text =~ s/(["\\\\])/\\\\$1/g;
              $text =~ s{([\\x00-\\x1f])}{$short{$1} // sprintf('\\\\u%04x', ord $1)}ge;
              my $record = '{"log":"' . $text . '","stream":"' . $stream . '","time":"' . stamp() . "\\"}\\n";
              my $written = syswrite($fh, $record);
              $size += $written if defined $written;
              rotate() if $size >= $max_size;
            }
            reopen('>>');
            pipe(my $out_r, my $out_w) or die "jplay log writer: pipe: $!\\n";
            pipe(my $err_r, my $err_w) or die "jplay log writer: pipe: $!\\n";
            my $pid = fork();
            die "jplay log writer: fork: $!\\n" unless defined $pid;
            if ($pid == 0) {
              open(STDIN, '<', '/dev/null');
              open(STDOUT, '>&', $out_w) or die "jplay log writer: $!\\n";
              open(STDERR, '>&', $err_w) or die "jplay log writer: $!\\n";
              exec { $cmd[0] } @cmd;
              print STDERR "jplay log writer: cannot run $cmd[0]: $!\\n";
              require POSIX;
              POSIX::_exit(127);
            }
            close $out_w;
            close $err_w;
            my %open = (stdout => $out_r, stderr => $err_r);
            my %buffer = (stdout => '', stderr => '');
            while (%open) {
              my $wanted = '';
              vec($wanted, fileno($_), 1) = 1 for values %open;
              my $ready = select(my $readable = $wanted, undef, undef, undef);
              next if $ready < 0;
              for my $stream (sort keys %open) {
                my $in = $open{$stream};
                next unless vec($readable, fileno($in), 1);
                my $got = sysread($in, $buffer{$stream}, 65536, length $buffer{$stream});
                next if !defined $got && ($!{EINTR} || $!{EAGAIN});
                my $buf = \\$buffer{$stream};
                while (1) {
                  my $nl = index($$buf, "\\n");
                  if ($nl >= 0 && $nl < 16384) { emit($stream, substr($$buf, 0, $nl + 1, '')); }
                  elsif (length($$buf) >= 16384) { emit($stream, substr($$buf, 0, 16384, '')); }
                  else { last; }
                }
                next if $got;
                emit($stream, $$buf) if length $$buf; # the end of output without a newline
                close $in;
                delete $open{$stream};
              }
            }
            waitpid($pid, 0);
            exit($? & 127 ? 128 + ($? & 127) : $? >> 8);
            """;

    /** Where perl is on this host; a located error naming the package when it is not. */
    static Path perl() {
        return HostTools.current().find("perl").orElseThrow(() -> new LaunchException(Step.CREATE, "LOG_WRITER_MISSING",
                "perl is not on this host: containers' logs are written by a small Perl script (install perl-base or perl; "
                        + "jplay setup does)"));
    }

    /** {@code perl SCRIPT LOG MAX_SIZE MAX_FILE} followed by the command whose output it keeps. */
    static List<String> command(Path perl, ContainerFiles files, LogConfig log, List<String> run) {
        LogConfig config = log == null ? LogConfig.DEFAULT : log;
        List<String> command = new ArrayList<>(List.of(perl.toString(), files.logWriterScript().toString(),
                files.jsonLog().toString(), Long.toString(config.maxSize()), Integer.toString(config.maxFile())));
        command.addAll(run);
        return command;
    }
}
