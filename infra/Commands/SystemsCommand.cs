using System.Text;
using Infra.Stacks.Systems;

namespace Infra.Cli.Commands;

public static class SystemsCommand
{
    public static string Run(Options o)
    {
        var sb = new StringBuilder();
        foreach (var name in SystemCatalog.Names)
        {
            var def = SystemCatalog.Find(name)!;
            sb.Append($"{name,-14} {def.Title} ({def.Services.Count} services{(def.Database is null ? "" : ", postgres")}{(def.Cache is null ? "" : ", redis")}{(def.Proxy is null ? "" : $", {def.Proxy.Kind.ToString().ToLowerInvariant()}")}{(def.Monitoring is null ? "" : ", monitoring")}) — {def.Source}\n");
        }
        return sb.ToString();
    }
}
