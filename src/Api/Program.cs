using AdManager.Api.Hosting;
using AdManager.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddMigrationSilo();
builder.AddMigrationApi();

var app = builder.Build();
app.UseMigrationApi();
app.Run();

/// <summary>Entry point; public for the integration tests' host factory.</summary>
public partial class Program;
