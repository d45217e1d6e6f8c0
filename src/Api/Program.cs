using AdManager.Api.Hosting;
using AdManager.Api.Operations;
using AdManager.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddMigrationSilo();
builder.AddMigrationApi();
builder.AddMigrationTelemetry();
builder.AddMigrationDashboard();

var app = builder.Build();
app.UseMigrationApi();
app.MapMigrationTelemetry();
app.MapMigrationDashboard();
app.Run();

/// <summary>Entry point; public for the integration tests' host factory.</summary>
public partial class Program;
