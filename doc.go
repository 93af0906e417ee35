// Package hrsync keeps a Qooper organization in step with a customer's HR
// system, starting with HiBob.
//
// The SDK is split by role:
//
//   - hibob is a typed client for HiBob's public API, with webhook
//     signature checks; hibob/hibobtest is a fake HiBob server.
//   - qooper is a typed client for the Qooper Users API;
//     qooper/qoopertest is a fake Qooper server that enforces the contract.
//   - mapping turns a HiBob employee into the desired Qooper user, through
//     rules that can come from Go code or JSON.
//   - syncer plans the changes that make Qooper match HiBob, guards
//     deactivations, applies the plan and reports each change.
package hrsync
