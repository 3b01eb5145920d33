using Infra.Components.Core;

namespace Infra.Components.Host;

/// <summary>
/// Database backups on the server: <c>pg_dump</c> from the database container into <c>/opt/&lt;system&gt;/backups</c> on a cron
/// schedule (daily in staging; hourly and daily in prod), with retention, plus <c>backup.sh</c> / <c>restore.sh</c> for
/// operators. Delete removes the schedule and scripts; the dumps stay.
/// </summary>
public sealed class HostBackup : Construct
{
    public HostBackup(Construct parent, string name, HostMachine host, BackupPlan plan, IEnumerable<Resource> after) : base(parent, name)
    {
        Plan = plan;
        Command = HostCommands.Run(this, null, host, Scripts.BackupSchedule(plan), Scripts.BackupScheduleDelete(plan.System), after);
    }

    public override string Kind => Plan.Hourly ? "Backups (hourly + daily)" : "Backups (daily)";
    public BackupPlan Plan { get; }
    public Resource Command { get; }
}
