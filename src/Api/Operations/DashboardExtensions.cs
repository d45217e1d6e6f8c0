using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace AdManager.Api.Operations;

/// <summary>
/// The Orleans Dashboard behind the <see cref="AdminPolicy"/> authorization policy. The policy is the one the
/// API's authentication defines (role <c>platform-admin</c>); where none is defined yet, an equivalent one
/// requiring that role is added. Without any authentication scheme the dashboard is not served at all.
/// </summary>
public static partial class DashboardExtensions
{
    public const string AdminPolicy = "platform-admin";
    private const string AdminRole = "platform-admin";

    public static WebApplicationBuilder AddMigrationDashboard(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(MigrationDashboardOptions.Section);
        builder.Services.AddOptions<MigrationDashboardOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        var options = section.Get<MigrationDashboardOptions>() ?? new MigrationDashboardOptions();
        if (!options.Enabled) return builder;

        builder.UseOrleans(silo => silo.AddDashboard(o => o.HideTrace = !options.LiveLogs));
        builder.Services.AddAuthorization();
        builder.Services.PostConfigure<AuthorizationOptions>(o =>
        {
            if (o.GetPolicy(AdminPolicy) is null) o.AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(AdminRole));
        });
        return builder;
    }

    public static WebApplication MapMigrationDashboard(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MigrationDashboardOptions>>().Value;
        if (!options.Enabled) return app;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DashboardExtensions).FullName!);
        // Fail closed: with no way to authenticate, nobody could be an admin, and the dashboard stays off.
        if (!app.Services.GetRequiredService<IOptions<AuthenticationOptions>>().Value.Schemes.Any())
        {
            Log.DashboardWithoutAuthentication(logger, options.Path);
            return app;
        }
        app.MapOrleansDashboard(options.Path).RequireAuthorization(AdminPolicy);
        Log.DashboardMapped(logger, options.Path, AdminPolicy);
        return app;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Warning,
            Message = "Dashboard:Enabled is set but no authentication scheme is configured; the dashboard at {Path} is not served")]
        public static partial void DashboardWithoutAuthentication(ILogger logger, string path);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Orleans Dashboard at {Path}, policy {Policy}")]
        public static partial void DashboardMapped(ILogger logger, string path, string policy);
    }
}
