using Infra.Cli;

return Cli.Run(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable, Console.OpenStandardOutput());
