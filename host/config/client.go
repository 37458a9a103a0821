package config

// Client is [client]: settings the reference CLI keeps in the same file.
type Client struct {
	AuthProfiles map[string]AuthProfile `toml:"auth_profiles"`
}

// AuthProfile is one [client.auth_profiles.NAME] table.
type AuthProfile struct {
	BearerToken   Secret `toml:"bearer_token"`
	ClientSubject string `toml:"client_subject"`
}
