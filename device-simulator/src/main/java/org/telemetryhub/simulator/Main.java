package org.telemetryhub.simulator;

import org.telemetryhub.client.HubException;
import org.telemetryhub.simulator.bench.CommandsBench;
import org.telemetryhub.simulator.bench.ConnectionsBench;
import org.telemetryhub.simulator.bench.IngestBench;
import org.telemetryhub.simulator.bench.TicketLoad;
import org.telemetryhub.simulator.fleet.RunCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The simulator's entry point: {@code java -jar device-simulator.jar <subcommand>}. Each tool is a subcommand in its
 * own package; this class only lists them and turns their failures into one-line messages and exit codes.
 */
@Command(name = "device-simulator",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Simulated devices and load tools for the telemetry hub (wire protocol only).",
        subcommands = {
            RunCommand.class,
            IngestBench.class,
            ConnectionsBench.class,
            TicketLoad.class,
            CommandsBench.class,
            CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {

    /** Exit code for a run that could not complete (hub unreachable, bad credentials, ...). */
    public static final int EXIT_FAILED = 1;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof HubException) {
                commandLine.getErr().println(commandLine.getCommandName() + ": " + e.getMessage());
                return EXIT_FAILED;
            }
            throw e;
        });
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"device-simulator " + (version == null ? "dev" : version)};
        }
    }
}
